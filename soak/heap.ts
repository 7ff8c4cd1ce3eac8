/**
 * Heap figures: `heapUsed` after full collections (needs `--expose-gc`), and,
 * when the growth check fails, the two heap snapshots and a summary of which
 * constructors grew between them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the process was started with `--expose-gc`. */
export const canCollect = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function';

/** `heapUsed` after three full collections. */
export async function collectedHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await settle(20);
  }
  return process.memoryUsage().heapUsed;
}

/** Writes a heap snapshot into `dir`; returns its path. */
export function snapshot(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  return writeHeapSnapshot(join(dir, name));
}

/** Removes snapshots that are no longer needed. */
export function discard(...paths: readonly string[]): void {
  for (const path of paths) rmSync(path, { force: true });
}

interface Census {
  readonly count: Map<string, number>;
  readonly bytes: Map<string, number>;
}

/** Objects per constructor (node name) in a snapshot file. */
export function census(path: string): Census {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const count = new Map<string, number>();
  const bytes = new Map<string, number>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = type === 'object' || type === 'closure' ? (snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?') : `(${type})`;
    count.set(name, (count.get(name) ?? 0) + 1);
    bytes.set(name, (bytes.get(name) ?? 0) + (snap.nodes[i + sizeAt] ?? 0));
  }
  return { count, bytes };
}

/**
 * Writes the 30 constructors that grew most (by bytes) from `before` to `after`
 * (`diff` false: the 30 largest in `after`); returns the summary's path.
 */
export function diffSummary(before: string, after: string, out: string, diff = true): string {
  const b = census(after);
  const a = diff ? census(before) : { count: new Map<string, number>(), bytes: new Map<string, number>() };
  const rows = [...b.bytes.keys()]
    .map((name) => ({
      name,
      count: (b.count.get(name) ?? 0) - (a.count.get(name) ?? 0),
      bytes: (b.bytes.get(name) ?? 0) - (a.bytes.get(name) ?? 0),
      total: b.count.get(name) ?? 0,
    }))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, 30);
  const lines = [
    diff ? `heap snapshot diff: ${before} -> ${after}` : `heap census: ${after}`,
    'constructor\tcount_delta\tbytes_delta\tcount_after',
    ...rows.map((r) => `${r.name}\t${r.count >= 0 ? '+' : ''}${r.count}\t${r.bytes >= 0 ? '+' : ''}${r.bytes}\t${r.total}`),
  ];
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}
