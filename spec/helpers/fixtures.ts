import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folder of the gateway's documented example frames (copied from the protocol notes). */
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'gateway');

export interface Fixture {
  /** Path relative to the fixtures folder, e.g. `topics/channel.tips.json`. */
  readonly name: string;
  readonly text: string;
  readonly value: unknown;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every JSON fixture except the enumerations file. */
export function loadFixtures(): Fixture[] {
  return walk(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('enums.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(file, 'utf8');
      return { name: relative(FIXTURES_DIR, file), text, value: JSON.parse(text) as unknown };
    });
}

export function fixture(name: string): Fixture {
  const found = loadFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}

/** Which kind of example a fixture is, by the conventions of its README. */
export function fixtureShape(f: Fixture): 'command' | 'data' | 'frame' {
  const base = f.name.split('/').pop() ?? f.name;
  if (base.endsWith('.data.json')) return 'data';
  if (base.startsWith('command-') || /_command-/.test(base)) return 'command';
  return 'frame';
}
