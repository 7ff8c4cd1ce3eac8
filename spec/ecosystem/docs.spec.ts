/**
 * Keeps the guides honest: the scope table of docs/topics.md is TOPICS, the
 * code of docs/testing.md is the code that spec/ecosystem/testingGuide.spec.ts
 * runs, every relative link of the README and the guides points to a file, and
 * every example (in the guides, the examples and the doc comments of lib/)
 * imports only names that the entry it imports from exports.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { TOPICS } from '../../lib/protocol/topics';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const GUIDES = ['getting-started', 'topics', 'reconnection', 'rate-limits', 'scale-out', 'testing', 'angular', 'node', 'cli', 'architecture', 'redis-bridge'].map(
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

/** The package's entries, as users import them. */
const ENTRIES: Record<string, string> = {
  'astro-rx': 'lib/index.ts',
  'astro-rx/protocol': 'lib/protocol/index.ts',
  'astro-rx/operators': 'lib/operators/index.ts',
  'astro-rx/payloads': 'lib/payloads/index.ts',
  'astro-rx/testing': 'lib/testing/index.ts',
  'astro-rx/redis': 'lib/redis/index.ts',
};

/** The names an entry exports. Entries re-export by name only (`export *` is refused). */
function exportedNames(file: string): Set<string> {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (!clause || !ts.isNamedExports(clause)) throw new Error(`${file}: export * (name every export)`);
    for (const element of clause.elements) names.add(element.name.text);
  }
  return names;
}

/** The `astro-rx` imports of a piece of code: module and imported names (`X as Y` counts as X). */
function packageImports(code: string): Array<{ module: string; names: string[] }> {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest);
  const found: Array<{ module: string; names: string[] }> = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = statement.moduleSpecifier.text;
    if (module !== 'astro-rx' && !module.startsWith('astro-rx/')) continue;
    const bindings = statement.importClause?.namedBindings;
    const names = bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => (e.propertyName ?? e.name).text) : [];
    if (statement.importClause?.name) names.push('default');
    found.push({ module, names });
  }
  return found;
}

/** The fenced `ts` blocks of the doc comments of a source file. */
function docCommentBlocks(file: string): string[] {
  const text = read(file);
  const comments = [...text.matchAll(/\/\*\*[\s\S]*?\*\//g)].map((m) => m[0].replace(/^\s*\*( |$)/gm, ''));
  return comments.flatMap((c) => codeBlocks(c).filter((b) => b.lang === 'ts').map((b) => b.code));
}

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

/** Every example: the ts blocks of the README and the guides, the examples' sources, the doc comments of lib/. */
function examples(): Array<{ where: string; code: string }> {
  const markdown = ['README.md', ...filesUnder('docs', '.md'), ...filesUnder('examples', '.md')];
  return [
    ...markdown.flatMap((file) => codeBlocks(read(file)).filter((b) => b.lang === 'ts').map((b) => ({ where: file, code: b.code }))),
    ...filesUnder('examples', '.ts').map((file) => ({ where: file, code: read(file) })),
    ...filesUnder('lib', '.ts').flatMap((file) => docCommentBlocks(file).map((code) => ({ where: file, code }))),
  ];
}

/** Doc comments whose examples may import a name no entry exports (none). */
const PENDING = new Set<string>();

describe('docs', () => {
  it('the examples import only what the entry they import from exports', () => {
    const exported = new Map(Object.entries(ENTRIES).map(([module, file]) => [module, exportedNames(file)]));
    const wrong: string[] = [];
    let imports = 0;
    for (const { where, code } of examples()) {
      if (PENDING.has(where)) continue;
      for (const { module, names } of packageImports(code)) {
        imports++;
        const entry = exported.get(module);
        if (!entry) wrong.push(`${where}: ${module} is not an entry of the package`);
        else for (const name of names) if (!entry.has(name)) wrong.push(`${where}: ${module} does not export ${name}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(imports).toBeGreaterThan(20);
  });

  it('no guide mentions an operator that no longer exists', () => {
    const gone = /\b(commandQueue|correlate|retryBackoff|decodeFrames|rateLimit\(|request\()/;
    const mentions = ['README.md', ...filesUnder('docs', '.md'), ...filesUnder('examples', '.md')]
      .map((file) => [file, gone.exec(read(file))?.[0]])
      .filter(([, found]) => found !== undefined);
    expect(mentions).toEqual([]);
  });

  it.each(Object.entries(ENTRIES))('%s (%s) names every export', (_module, file) => {
    expect(exportedNames(file).size).toBeGreaterThan(0);
  });

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
    for (const stage of ['client.topic', 'Registry', 'intents', 'feedback', 'queueScheduler', 'runMachine', 'links machine', 'outbox machine', 'openLink', 'WebSocket', 'Dedupe', 'Registry.route']) {
      expect(pipeline).toContain(stage);
    }
  });

  it('every example directory has a README', () => {
    for (const dir of readdirSync(path.join(ROOT, 'examples'))) {
      if (statSync(path.join(ROOT, 'examples', dir)).isDirectory()) expect(existsSync(path.join(ROOT, 'examples', dir, 'README.md'))).toBe(true);
    }
  });
});
