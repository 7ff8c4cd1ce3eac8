import {
  EXIT,
  findTokenFlag,
  looksLikeToken,
  parseCommand,
  parseEmulatorArgs,
  parseTailArgs,
  resolveToken,
  TOKEN_ON_ARGV_MESSAGE,
} from '../../lib/cli/args';

describe('parseCommand', () => {
  it('dispatches the subcommands with their arguments', () => {
    expect(parseCommand(['tail', 'channel.tips', '--json'])).toEqual({ name: 'tail', argv: ['channel.tips', '--json'] });
    expect(parseCommand(['emulator'])).toEqual({ name: 'emulator', argv: [] });
    expect(parseCommand(['help', 'tail'])).toEqual({ name: 'tail', argv: ['--help'] });
  });

  it('help, version, unknown and missing commands', () => {
    expect(parseCommand(['--help'])).toEqual({ name: 'help' });
    expect(parseCommand(['-h'])).toEqual({ name: 'help' });
    expect(parseCommand(['help'])).toEqual({ name: 'help' });
    expect(parseCommand(['--version'])).toEqual({ name: 'version' });
    expect(parseCommand(['tial'])).toEqual({ name: 'unknown', given: 'tial' });
    expect(parseCommand([])).toEqual({ name: 'unknown', given: undefined });
  });
});

describe('parseTailArgs', () => {
  it('defaults: the global room, jwt, the public gateway, readable lines', () => {
    expect(parseTailArgs(['channel.activities'])).toEqual({
      kind: 'ok',
      options: { topics: ['channel.activities'], rooms: [''], tokenType: 'jwt', url: 'wss://astro.streamelements.com', json: false },
    });
  });

  it('reads every option; repeated rooms and topics are kept once', () => {
    const parsed = parseTailArgs([
      'channel.activities',
      'channel.tips',
      'channel.activities',
      '--room',
      'a',
      '-r',
      'b',
      '--room=a',
      '--token-type',
      'OAuth',
      '--url',
      'ws://127.0.0.1:9',
      '--json',
      '--token-file',
      '/tmp/t',
      '--seconds',
      '1.5',
      '-n',
      '3',
    ]);
    expect(parsed).toEqual({
      kind: 'ok',
      options: {
        topics: ['channel.activities', 'channel.tips'],
        rooms: ['a', 'b'],
        tokenType: 'oauth2',
        url: 'ws://127.0.0.1:9',
        json: true,
        tokenFile: '/tmp/t',
        seconds: 1.5,
        count: 3,
      },
    });
  });

  it('takes defaults from ASTRO_ROOM, ASTRO_URL and ASTRO_TOKEN_TYPE; flags win', () => {
    const env = { ASTRO_ROOM: 'r1', ASTRO_URL: 'wss://example.test', ASTRO_TOKEN_TYPE: 'apikey' };
    expect(parseTailArgs(['channel.tips'], env)).toMatchObject({ kind: 'ok', options: { rooms: ['r1'], url: 'wss://example.test', tokenType: 'apikey' } });
    expect(parseTailArgs(['channel.tips', '--room', 'r2', '--url', 'wss://b.test', '--token-type', 'jwt'], env)).toMatchObject({
      kind: 'ok',
      options: { rooms: ['r2'], url: 'wss://b.test', tokenType: 'jwt' },
    });
  });

  it('refuses --token in every spelling without repeating its value', () => {
    for (const argv of [['channel.tips', '--token', 's3cr3t-value'], ['--token=s3cr3t-value', 'channel.tips']]) {
      const parsed = parseTailArgs(argv);
      expect(parsed).toEqual({ kind: 'error', message: TOKEN_ON_ARGV_MESSAGE, exitCode: EXIT.usage });
      expect(JSON.stringify(parsed)).not.toContain('s3cr3t-value');
    }
    expect(TOKEN_ON_ARGV_MESSAGE).toMatch(/ASTRO_TOKEN/);
    expect(TOKEN_ON_ARGV_MESSAGE).toMatch(/--token-file/);
  });

  it('refuses a positional argument that looks like a token', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZw';
    const parsed = parseTailArgs([jwt]);
    expect(parsed).toMatchObject({ kind: 'error', exitCode: EXIT.usage });
    expect(JSON.stringify(parsed)).not.toContain(jwt);
  });

  it('usage errors', () => {
    const error = (argv: string[]) => {
      const p = parseTailArgs(argv);
      return p.kind === 'error' ? [p.exitCode, p.message] : p;
    };
    expect(error([])).toEqual([64, expect.stringMatching(/name at least one topic/)]);
    expect(error(['channel.tips', '--count', '0'])).toEqual([64, '--count must be a positive integer, got "0"']);
    expect(error(['channel.tips', '--count', '1.5'])).toEqual([64, '--count must be a positive integer, got "1.5"']);
    expect(error(['channel.tips', '--seconds', 'x'])).toEqual([64, '--seconds must be a positive number, got "x"']);
    expect(error(['channel.tips', '--token-type', 'password'])).toEqual([64, expect.stringMatching(/--token-type must be jwt/)]);
    expect(error(['channel.tips', '--room'])).toEqual([64, expect.stringMatching(/argument missing/)]);
    expect(error(['channel.tips', '--verbose'])).toEqual([64, "Unknown option '--verbose'."]);
    expect(error(['not a topic'])).toEqual([64, expect.stringMatching(/not a topic name/)]);
  });

  it('--help', () => {
    expect(parseTailArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseTailArgs(['channel.tips', '-h'])).toEqual({ kind: 'help' });
  });

  it('finds --token only before --', () => {
    expect(findTokenFlag(['--token-file', 'x', '--token-type', 'jwt'])).toBe(false);
    expect(findTokenFlag(['--', '--token'])).toBe(false);
    expect(findTokenFlag(['a', '--token'])).toBe(true);
  });

  it('looksLikeToken', () => {
    expect(looksLikeToken('channel.activities')).toBe(false);
    expect(looksLikeToken('eyJhbGciOiJI.eyJ.abc')).toBe(true);
    expect(looksLikeToken('oauth2_0123456789abcdef0123')).toBe(true);
  });
});

describe('parseEmulatorArgs', () => {
  it('defaults to any free port on 127.0.0.1', () => {
    expect(parseEmulatorArgs([])).toEqual({ kind: 'ok', options: { port: 0, host: '127.0.0.1' } });
  });

  it('reads --port, --host, --seconds and --activity', () => {
    expect(parseEmulatorArgs(['--port', '8080', '--host', '[::1]', '--seconds', '15', '--activity', '500'])).toEqual({
      kind: 'ok',
      options: { port: 8080, host: '::1', seconds: 15, activityMs: 500 },
    });
  });

  it('rejects bad ports, hosts that are not loopback, and stray arguments', () => {
    expect(parseEmulatorArgs(['--port', '70000'])).toMatchObject({ kind: 'error', exitCode: 64 });
    expect(parseEmulatorArgs(['--port', '-1'])).toMatchObject({ kind: 'error', exitCode: 64 });
    expect(parseEmulatorArgs(['--host', '0.0.0.0'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/loopback/) });
    expect(parseEmulatorArgs(['now'])).toMatchObject({ kind: 'error', exitCode: 64 });
    expect(parseEmulatorArgs(['-h'])).toEqual({ kind: 'help' });
  });
});

describe('resolveToken', () => {
  const noFile = (): string => {
    throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  };

  it('reads ASTRO_TOKEN', () => {
    expect(resolveToken(undefined, { ASTRO_TOKEN: ' tok \n' }, noFile)).toEqual({ kind: 'ok', token: 'tok', from: 'env' });
  });

  it('prefers --token-file (trimmed) over the environment', () => {
    expect(resolveToken('/t', { ASTRO_TOKEN: 'env' }, () => 'file-token\n')).toEqual({ kind: 'ok', token: 'file-token', from: 'file' });
  });

  it('explains a missing token, an unreadable or empty file, without any token', () => {
    expect(resolveToken(undefined, {}, noFile)).toEqual({ kind: 'error', message: expect.stringMatching(/no token: set ASTRO_TOKEN/), exitCode: 64 });
    expect(resolveToken('/nope', { ASTRO_TOKEN: 'secret-env' }, noFile)).toEqual({
      kind: 'error',
      message: 'cannot read --token-file "/nope" (ENOENT)',
      exitCode: 1,
    });
    expect(resolveToken('/t', {}, () => '  \n')).toMatchObject({ kind: 'error', exitCode: 64, message: expect.stringMatching(/is empty/) });
    const twoWords = resolveToken('/t', {}, () => 'secret one\nsecret two');
    expect(twoWords).toMatchObject({ kind: 'error', exitCode: 64 });
    expect(JSON.stringify(twoWords)).not.toMatch(/secret/);
  });
});
