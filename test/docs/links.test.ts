// Every `docs/FILE.md#anchor` cited in the repository's code, tests and docs names a heading that
// exists, so a comment that points at a kernel fact keeps pointing at it when docs are edited.
// Anchors are GitHub's: the heading lowercased, punctuation but `-` and `_` dropped, spaces as `-`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = `${root}docs/`;

function anchorsOf(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (m) out.add((m[1] as string).trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replaceAll(' ', '-'));
  }
  return out;
}

/** Tracked files (and docs/) with `path:line:text` for every citation of a docs anchor. */
function citations(): { where: string; file: string; anchor: string }[] {
  const grep = execFileSync('git', ['grep', '-n', '-I', '-E', 'docs/[a-z0-9-]+\\.md#[A-Za-z0-9_-]+'], { cwd: root, encoding: 'utf8' });
  const out: { where: string; file: string; anchor: string }[] = [];
  for (const line of grep.split('\n')) {
    for (const m of line.matchAll(/docs\/([a-z0-9-]+\.md)#([A-Za-z0-9_-]+)/g)) out.push({ where: line.slice(0, line.indexOf(':', line.indexOf(':') + 1)), file: m[1] as string, anchor: m[2] as string });
  }
  // Links inside docs/ itself: `(file.md#anchor)` and `(#anchor)`.
  for (const name of existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')) : []) {
    for (const m of readFileSync(docs + name, 'utf8').matchAll(/\]\((?:([a-z0-9-]+\.md))?#([A-Za-z0-9_-]+)\)/g)) {
      out.push({ where: `docs/${name}`, file: m[1] ?? name, anchor: m[2] as string });
    }
  }
  return out;
}

describe('docs anchors cited in the repository', () => {
  it('each names a heading of its page', () => {
    const found = citations();
    expect(found.length).toBeGreaterThan(0);
    const broken = found
      .filter((c) => existsSync(docs + c.file)) // a page another change is adding is checked once it is here
      .filter((c) => !anchorsOf(docs + c.file).has(c.anchor))
      .map((c) => `${c.where}: docs/${c.file}#${c.anchor}`);
    expect(broken).toEqual([]);
  });
});
