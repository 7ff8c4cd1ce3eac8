#!/usr/bin/env node
/**
 * The `astro-rx` command: `astro-rx tail <topic…>`, `astro-rx emulator`, and the
 * Redis bridge's `bridge`, `rooms` and `consume`.
 * See `astro-rx --help`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../errors/redact';
import { EXIT, parseCommand, parseEmulatorArgs, parseTailArgs, type Parsed } from './args';
import type { TtyStream } from './progress';
import { BRIDGE_USAGE, CONSUME_USAGE, EMULATOR_USAGE, MAIN_USAGE, ROOMS_USAGE, TAIL_USAGE } from './usage';
import { hostname } from 'node:os';
import { parseBridgeArgs, parseConsumeArgs, parseRoomsArgs } from './redisArgs';

/** The streams and environment the command runs with (`process`'s, or fakes in tests). */
export interface Streams {
  readonly stdout: TtyStream;
  readonly stderr: TtyStream;
  readonly env: Record<string, string | undefined>;
}

function version(): string {
  // lib/cli/main.ts (tsx) and dist/cli/main.js (the bin) both sit two levels below package.json
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.name === 'astro-rx' && pkg.version ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Handles `--help` and usage errors of a subcommand; `undefined` means: run it. */
function settle<T>(name: string, parsed: Parsed<T>, usage: string, io: Streams): number | T {
  if (parsed.kind === 'help') {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`astro-rx ${name}: ${parsed.message}\n`);
    if (parsed.exitCode === EXIT.usage) io.stderr.write(`Run 'astro-rx ${name} --help' for the options.\n`);
    return parsed.exitCode;
  }
  return parsed.options;
}

/** SIGINT / SIGTERM abort the returned signal (a second one exits at once). */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Runs the command with `argv` (without `node` and the script) and resolves with the exit code. */
export async function main(argv: readonly string[], io: Streams): Promise<number> {
  const command = parseCommand(argv);
  switch (command.name) {
    case 'help':
      io.stdout.write(MAIN_USAGE);
      return EXIT.ok;
    case 'version':
      io.stdout.write(`astro-rx ${version()}\n`);
      return EXIT.ok;
    case 'unknown':
      io.stderr.write(command.given === undefined ? 'astro-rx: name a command\n\n' : `astro-rx: unknown command ${JSON.stringify(command.given.slice(0, 40))}\n\n`);
      io.stderr.write(MAIN_USAGE);
      return EXIT.usage;
    case 'tail': {
      const options = settle('tail', parseTailArgs(command.argv, io.env), TAIL_USAGE, io);
      if (typeof options === 'number') return options;
      const { runTail } = await import('./tail');
      const interrupt = interruptSignal();
      try {
        return await runTail(options, io, interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    }
    case 'emulator': {
      const options = settle('emulator', parseEmulatorArgs(command.argv), EMULATOR_USAGE, io);
      if (typeof options === 'number') return options;
      const { runEmulatorCommand } = await import('./emulatorCommand');
      const interrupt = interruptSignal();
      try {
        return await runEmulatorCommand(options, io, interrupt.signal);
      } finally {
        interrupt.dispose();
      }
    }
    case 'bridge':
    case 'rooms':
    case 'consume':
      return redisCommand(command.name, command.argv, io);
  }
}

async function redisCommand(name: 'bridge' | 'rooms' | 'consume', argv: readonly string[], io: Streams): Promise<number> {
  const commands = await import('./redisCommands');
  if (name === 'rooms') {
    const options = settle('rooms', parseRoomsArgs(argv, io.env), ROOMS_USAGE, io);
    return typeof options === 'number' ? options : commands.runRoomsCommand(options, io);
  }
  const interrupt = interruptSignal();
  try {
    if (name === 'bridge') {
      const options = settle('bridge', parseBridgeArgs(argv, io.env), BRIDGE_USAGE, io);
      return typeof options === 'number' ? options : await commands.runBridgeCommand(options, io, interrupt.signal);
    }
    const options = settle('consume', parseConsumeArgs(argv, io.env, `${hostname()}-${process.pid}`), CONSUME_USAGE, io);
    return typeof options === 'number' ? options : await commands.runConsumeCommand(options, io, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

function exitAfterFlush(code: number): void {
  // Writes to pipes and files are synchronous on POSIX; wait for a TTY's, then exit
  // (the client's and emulator's timers are gone by now, but a stray one must not keep us alive).
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  // `astro-rx tail … | head`: a closed pipe ends the command quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(exitAfterFlush, (e: unknown) => {
    const token = process.env['ASTRO_TOKEN'];
    process.stderr.write(`${redact(`astro-rx: ${e instanceof Error ? e.message : String(e)}`, token ? [token] : [])}\n`);
    exitAfterFlush(EXIT.failure);
  });
}
