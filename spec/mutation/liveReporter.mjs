/**
 * A Stryker reporter of mutation runs (stryker.config.mjs): appends each tested
 * mutant to reports/mutation/<part>/live.jsonl as soon as its result is known,
 * so that survivors can be read (scripts/mutation-survivors.mjs) while a long run
 * goes on; Stryker's own reports are written only at its end.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

class LiveReporter {
  constructor() {
    this.file = `reports/mutation/${process.env['ASTRO_MUTATION_PART'] ?? 'all'}/live.jsonl`;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, '');
  }

  onMutantTested(result) {
    const { id, fileName, mutatorName, replacement, location, status, statusReason } = result;
    appendFileSync(this.file, `${JSON.stringify({ id, fileName, mutatorName, replacement, location, status, statusReason })}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'live', LiveReporter)];
