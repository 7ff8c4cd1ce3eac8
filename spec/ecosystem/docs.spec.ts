/**
 * Keeps the guides honest: the scope table of docs/topics.md is TOPICS, the
 * code of docs/testing.md is the code that spec/ecosystem/testingGuide.spec.ts
 * runs, and every relative link of the README and the guides points to a file.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { TOPICS } from '../../lib/protocol/topics';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const GUIDES = ['getting-started', 'topics', 'reconnection', 'rate-limits', 'testing', 'angular', 'node', 'cli', 'architecture'].map(
  (name) => `docs/${name}.md`,
);

/** The fenced code blocks of a markdown text, with their language. */
function codeBlocks(markdown: string): Array<{ lang: string; code: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

/** Markdown links and images outside code blocks: `[text](target)`. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

describe('docs', () => {
  it.each(GUIDES)('%s exists and is linked from the README', (guide) => {
    expect(existsSync(path.join(ROOT, guide))).toBe(true);
    expect(links(read('README.md'))).toContain(guide);
  });

  it.each(['README.md', ...GUIDES, 'examples/node/README.md', 'examples/angular/README.md'])('relative links of %s resolve', (file) => {
    const dir = path.dirname(path.join(ROOT, file));
    const broken = links(read(file))
      .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
      .map((target) => target.split('#')[0]!)
      .filter((target) => !existsSync(path.join(dir, target)) || !statSync(path.join(dir, target)).isFile());
    expect(broken).toEqual([]);
  });

  it('docs/topics.md lists every topic of TOPICS with its scope', () => {
    const rows = new Map(
      [...read('docs/topics.md').matchAll(/^\| `([a-z.]+)` \| (`[^`]+`|—) \|/gm)].map((m) => [m[1]!, m[2] === '—' ? null : m[2]!.slice(1, -1)]),
    );
    const expected = new Map(Object.entries(TOPICS).map(([name, spec]) => [name, spec.scope]));
    expect(rows).toEqual(expected);
  });

  it('the code of docs/testing.md marked as tested is what testingGuide.spec.ts runs', () => {
    const MARK = '// tested in spec/ecosystem/testingGuide.spec.ts';
    const lines = (code: string) =>
      code
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && l !== MARK && !l.startsWith('import '));
    const spec = lines(read('spec/ecosystem/testingGuide.spec.ts')).join('\n');
    const tested = codeBlocks(read('docs/testing.md')).filter((b) => b.code.startsWith(MARK));
    expect(tested).toHaveLength(2);
    for (const block of tested) expect(spec).toContain(lines(block.code).join('\n'));
  });

  it('the architecture and reconnection guides have mermaid diagrams (GitHub renders them)', () => {
    for (const guide of ['docs/architecture.md', 'docs/reconnection.md']) {
      expect(codeBlocks(read(guide)).some((b) => b.lang === 'mermaid')).toBe(true);
    }
    const pipeline = codeBlocks(read('docs/architecture.md')).find((b) => b.lang === 'mermaid')!.code;
    for (const stage of ['commandQueue', 'rate limiter', 'WebSocket', 'decoder', 'router', 'client.topic']) expect(pipeline).toContain(stage);
  });

  it('every example directory has a README', () => {
    for (const dir of readdirSync(path.join(ROOT, 'examples'))) {
      if (statSync(path.join(ROOT, 'examples', dir)).isDirectory()) expect(existsSync(path.join(ROOT, 'examples', dir, 'README.md'))).toBe(true);
    }
  });
});
