import { describe, expect, it } from 'vitest';
import {
  changePage,
  emptyHead,
  layout,
  newestArchivePage,
  placeOf,
  remove,
  upsert,
  type PageRecord,
  type ScopeHead,
  type Shape,
} from '../../src/catalogue/head.ts';
import type { ItemContent } from '../../src/catalogue/item.ts';

const shape: Shape = { windowSize: 5, pageSize: 5 };

function content(slug: string, version = 1): ItemContent {
  const fragment = `${slug}@${version}`;
  return {
    slug,
    published: '2026-06-01T00:00:00.000Z',
    updated: `2026-06-0${version}T00:00:00.000Z`,
    title: slug,
    lang: 'en',
    url: `https://example.org/editorials/${slug}/`,
    topics: [],
    fragments: { rss: fragment, atom: fragment, json: fragment, card: fragment },
  };
}

/** The catalogue as a store would hold it: the head and every page sealed so far. */
class Catalogue {
  head: ScopeHead = emptyHead();
  pages = new Map<number, PageRecord>();
  seqs = new Map<string, number>();

  put(slug: string, version = 1): void {
    this.apply(upsert(this.head, content(slug, version), this.seqs.get(slug), shape), slug, content(slug, version));
  }

  take(slug: string): void {
    const seq = this.seqs.get(slug);
    if (seq !== undefined) this.apply(remove(this.head, slug, seq, shape), slug, undefined);
  }

  private apply(change: ReturnType<typeof upsert>, slug: string, item: ItemContent | undefined): void {
    if (change.seq !== undefined) this.seqs.set(slug, change.seq);
    if (change.kind === 'head') {
      for (const page of change.sealed) this.pages.set(page.page, page);
      this.head = change.head;
    } else if (change.kind === 'page') {
      const next = changePage(this.pages.get(change.page)!, slug, item, change.seq);
      if (next) this.pages.set(change.page, next);
    }
  }

  /** What a reader following prev-archive from the subscription document sees, document by document. */
  chain(): string[][] {
    const documents = [this.head.window.map((i) => i.slug)];
    const open = newestArchivePage(this.head, shape);
    if (open === 0) return documents;
    documents.push(this.head.open.map((i) => i.slug));
    for (let page = open - 1; page >= 1; page--) documents.push(this.pages.get(page)!.items.map((i) => i.slug));
    return documents;
  }
}

const slugs = (n: number) => Array.from({ length: n }, (_, i) => `e${String(i + 1).padStart(3, '0')}`);

describe('the catalogue head', () => {
  it('keeps the newest items in the subscription document and pages the rest from the oldest', () => {
    const catalogue = new Catalogue();
    for (const slug of slugs(17)) catalogue.put(slug);
    expect(catalogue.chain()).toEqual([
      ['e017', 'e016', 'e015', 'e014', 'e013'],
      ['e012', 'e011'],
      ['e010', 'e009', 'e008', 'e007', 'e006'],
      ['e005', 'e004', 'e003', 'e002', 'e001'],
    ]);
  });

  it('reaches, one admission at a time, the same catalogue as the batch layout of the same items', () => {
    for (const count of [0, 1, 5, 6, 10, 11, 23, 50]) {
      const catalogue = new Catalogue();
      for (const slug of slugs(count)) catalogue.put(slug);
      const built = layout(
        slugs(count).map((s) => content(s)),
        shape,
      );
      expect(catalogue.head.window).toEqual(built.head.window);
      expect(catalogue.head.open).toEqual(built.head.open);
      expect(catalogue.head.boundary).toBe(built.head.boundary);
      expect([...catalogue.pages.values()].map((p) => p.items)).toEqual(built.pages.map((p) => p.items));
    }
  });

  it('never changes a complete page on an admission: a publish touches the head alone', () => {
    const catalogue = new Catalogue();
    for (const slug of slugs(12)) catalogue.put(slug);
    const page1 = structuredClone(catalogue.pages.get(1));
    for (const slug of slugs(40).slice(12)) {
      const change = upsert(catalogue.head, content(slug), undefined, shape);
      expect(change.kind).toBe('head');
      if (change.kind === 'head') expect(change.sealed.every((p) => !catalogue.pages.has(p.page))).toBe(true);
      catalogue.put(slug);
    }
    expect(catalogue.pages.get(1)).toEqual(page1);
  });

  it('sends a correction or a withdrawal of an archived item to its page, and keeps its place on return', () => {
    const catalogue = new Catalogue();
    for (const slug of slugs(20)) catalogue.put(slug);
    expect(placeOf(catalogue.head, catalogue.seqs.get('e002')!, shape)).toEqual({ inHead: false, page: 1 });
    catalogue.put('e002', 2);
    expect(catalogue.pages.get(1)!.items.find((i) => i.slug === 'e002')!.fragments.rss).toBe('e002@2');
    catalogue.take('e002');
    expect(catalogue.chain().flat()).not.toContain('e002');
    catalogue.put('e002', 3);
    expect(catalogue.chain().at(-1)).toEqual(['e005', 'e004', 'e003', 'e002', 'e001']);
  });

  it('is not changed by the same version twice', () => {
    const catalogue = new Catalogue();
    catalogue.put('a');
    expect(upsert(catalogue.head, content('a'), catalogue.seqs.get('a'), shape).kind).toBe('none');
    expect(upsert(catalogue.head, content('a'), undefined, shape).kind).toBe('none');
  });

  it('seals the same page with the same items for every admission from one head version', () => {
    const catalogue = new Catalogue();
    for (const slug of slugs(9)) catalogue.put(slug);
    const [a, b] = [
      upsert(catalogue.head, content('x'), undefined, shape),
      upsert(catalogue.head, content('y'), undefined, shape),
    ];
    if (a.kind !== 'head' || b.kind !== 'head') throw new Error('expected head changes');
    expect(a.sealed).toHaveLength(1);
    expect(a.sealed).toEqual(b.sealed);
  });

  it('lists every public item exactly once across the chain, whatever happens in whatever order', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 30; run++) {
      const catalogue = new Catalogue();
      const visible = new Set<string>();
      const known: string[] = [];
      for (let step = 0; step < 120; step++) {
        const roll = random();
        if (roll < 0.6 || known.length === 0) {
          const slug = `n${run}-${step}`;
          known.push(slug);
          catalogue.put(slug);
          visible.add(slug);
        } else {
          const slug = known[Math.floor(random() * known.length)]!;
          if (roll < 0.75) {
            catalogue.take(slug);
            visible.delete(slug);
          } else {
            catalogue.put(slug, 2 + Math.floor(random() * 5));
            visible.add(slug);
          }
        }
        const listed = catalogue.chain().flat();
        expect(new Set(listed).size).toBe(listed.length);
        expect(new Set(listed)).toEqual(visible);
        expect(
          catalogue
            .chain()
            .slice(2)
            .every((page) => page.length <= shape.pageSize),
        ).toBe(true);
      }
    }
  });
});
