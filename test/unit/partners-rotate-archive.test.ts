import { describe, expect, it } from 'vitest';
import { rotateOnStack } from '../../src/cli/partners-stack.ts';
import { configFrom } from '../../src/config.ts';
import { partnerPath } from '../../src/partners/paths.ts';
import { PARTNER_REGISTRY_KEY } from '../../src/partners/registry.ts';
import { markdown, memoryStage, type Stage } from '../helpers/publish-harness.ts';

/*
 * A rotation on the stack moves a partner's whole history: its archive pages (complete and filling) as well as its
 * subscription documents, each rewritten to link within the new path, and nothing is left at the old one.
 */

const SECRET = 'the partner secret of the archive rotation test, 32+';
const config = configFrom(
  {
    feeds: { limit: 2 },
    partners: [
      { id: 'wire-east', name: 'Wire East', formats: ['atom', 'json'] },
      { id: 'digest-co', name: 'Digest Co-op', formats: ['ninjs'] },
    ],
  },
  'test',
);
const [wire, digest] = config.partners as [(typeof config.partners)[number], (typeof config.partners)[number]];

async function folder(stage: Stage, path: string): Promise<Record<string, string>> {
  const keys = await stage.keys(stage.site, `partners/${path}/`);
  return Object.fromEntries(
    await Promise.all(
      keys.map(async (key) => [key.slice(`partners/${path}/`.length), (await stage.text(stage.site, key))!] as const),
    ),
  );
}

describe('partners rotate --stack on a partner with archives', () => {
  it('writes every archive page at the new path, linking within it, and deletes them all at the old one', async () => {
    const stage = await memoryStage({ config });
    stage.deps.partnerSecret = SECRET;
    for (let n = 1; n <= 7; n++) {
      const slug = `2026-06-0${n}-archive`;
      await stage.publish(
        await stage.upload(
          `${slug}.md`,
          markdown({ title: `"Archive ${n}"`, slug, published: `2026-06-0${n}T06:00:00Z` }),
        ),
      );
    }
    const [oldPath, newPath] = [partnerPath(SECRET, wire), partnerPath(SECRET, { ...wire, rotation: 1 })];
    const before = await folder(stage, oldPath);
    const digestBefore = await folder(stage, partnerPath(SECRET, digest));
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'atom.xml',
        'feed.json',
        'archive/1/atom.xml',
        'archive/2/feed.json',
        'archive/3/atom.xml',
      ]),
    );

    const out: string[] = [];
    await rotateOnStack({ ...stage.deps, partnerSecret: SECRET }, 'wire-east', (line) => out.push(line));
    expect(out.join('\n')).toContain(`(${Object.keys(before).length} objects deleted)`);

    expect(await folder(stage, oldPath)).toEqual({});
    const after = await folder(stage, newPath);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [name, body] of Object.entries(after)) {
      expect(body, name).not.toContain(oldPath);
      expect(body, name).toBe(before[name]!.replaceAll(oldPath, newPath));
    }
    expect(await folder(stage, partnerPath(SECRET, digest))).toEqual(digestBefore);
    const registry = JSON.parse((await stage.text(stage.editorials, PARTNER_REGISTRY_KEY))!) as {
      id: string;
      rotation: number;
    }[];
    expect(registry.map((p) => [p.id, p.rotation])).toEqual([
      ['wire-east', 1],
      ['digest-co', 0],
    ]);
  });
});
