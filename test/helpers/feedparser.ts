import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./feedparser.py', import.meta.url));
// Only the system interpreter has feedparser installed.
const PYTHON = '/usr/bin/python3';

export interface ParsedLink {
  rel: string | null;
  href: string | null;
  type: string | null;
  title: string | null;
}

export interface ParsedEntry {
  id: string | null;
  guidislink: boolean | null;
  title: string | null;
  title_type: string | null;
  link: string | null;
  links: ParsedLink[];
  published: string | null;
  published_iso: string | null;
  updated: string | null;
  updated_iso: string | null;
  author: string | null;
  summary: string | null;
  content: string[];
  tags: string[];
  language: string | null;
  rights: string | null;
}

export interface ParsedFeed {
  version: string | null;
  bozo: boolean;
  bozo_exception: string | null;
  feed: {
    title: string | null;
    subtitle: string | null;
    id: string | null;
    link: string | null;
    links: ParsedLink[];
    language: string | null;
    rights: string | null;
    updated: string | null;
    updated_iso: string | null;
    published: string | null;
    published_iso: string | null;
    generator: string | null;
  };
  entries: ParsedEntry[];
}

/** What Python's feedparser makes of each feed file, in the order given (one interpreter for all). */
export function parseFeedFiles(paths: readonly string[]): ParsedFeed[] {
  if (paths.length === 0) return [];
  const out = execFileSync(PYTHON, ['-I', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const parsed = JSON.parse(out) as ParsedFeed | ParsedFeed[];
  return paths.length === 1 ? [parsed as ParsedFeed] : (parsed as ParsedFeed[]);
}

export function parseFeedFile(path: string): ParsedFeed {
  return parseFeedFiles([path])[0]!;
}

/** Parses feed documents given as text, through temporary files. */
export function parseFeedTexts(texts: readonly string[]): ParsedFeed[] {
  const dir = mkdtempSync(join(tmpdir(), 'broadsheet-feedparser-'));
  try {
    const paths = texts.map((text, n) => {
      const path = join(dir, `feed-${n}.xml`);
      writeFileSync(path, text);
      return path;
    });
    return parseFeedFiles(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseFeedText(text: string): ParsedFeed {
  return parseFeedTexts([text])[0]!;
}
