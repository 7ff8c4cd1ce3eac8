#!/usr/bin/env node
/**
 * The mutants no spec noticed, with their source line:
 *
 *   node scripts/mutation-survivors.mjs [part|folder ...]
 *
 * Reads reports/mutation/<part>/mutation.json, or, during a run, the live
 * record of spec/mutation/liveReporter.mjs (reports/mutation/<part>/live.jsonl).
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

import { PARTS } from './mutation-parts.mjs';
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const wanted = process.argv.slice(2);
const parts = PARTS.filter((p) => wanted.length === 0 || wanted.some((w) => w === p.name || `lib/${w}` === p.folder)).map((p) => p.name);

function mutantsOf(part) {
  const live = `reports/mutation/${part}/live.jsonl`;
  const report = `reports/mutation/${part}/mutation.json`;
  if (existsSync(report)) {
    const files = Object.entries(JSON.parse(readFileSync(report, 'utf8')).files);
    return files.flatMap(([fileName, { mutants }]) => mutants.map((m) => ({ ...m, fileName })));
  }
  if (!existsSync(live)) return [];
  return readFileSync(live, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

const lines = new Map();
const sourceLine = (file, n) => {
  if (!lines.has(file)) lines.set(file, readFileSync(file, 'utf8').split('\n'));
  return lines.get(file)[n - 1] ?? '';
};

for (const part of parts) {
  const undetected = mutantsOf(part).filter((m) => UNDETECTED.has(m.status));
  undetected.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : a.location.start.line - b.location.start.line));
  for (const m of undetected) {
    const file = relative(process.cwd(), m.fileName);
    const { line, column } = m.location.start;
    console.log(`${file}:${line}:${column} ${m.status} ${m.mutatorName}: ${sourceLine(file, line).trim()}`);
    console.log(`    -> ${String(m.replacement).split('\n').join(' ').slice(0, 160)}`);
  }
}
