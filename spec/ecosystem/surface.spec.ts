/**
 * The public surface, as the TypeScript compiler sees it: the root entry
 * (`astro-rx`) exports what an application needs and at most 30 names, and no
 * public entry exports a declaration tagged `@internal`.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import * as root from '../../lib';
import * as protocol from '../../lib/protocol';
import * as operators from '../../lib/operators';
import * as payloads from '../../lib/payloads';
import * as redis from '../../lib/redis';

const ROOT = path.resolve(__dirname, '../..');

const ENTRIES = {
  'astro-rx': 'lib/index.ts',
  'astro-rx/protocol': 'lib/protocol/index.ts',
  'astro-rx/operators': 'lib/operators/index.ts',
  'astro-rx/payloads': 'lib/payloads/index.ts',
  'astro-rx/testing': 'lib/testing/index.ts',
  'astro-rx/redis': 'lib/redis/index.ts',
} as const;
type Entry = keyof typeof ENTRIES;

interface ExportedName {
  readonly name: string;
  /** Whether the name has a runtime value (a type-only export has none). */
  readonly value: boolean;
  /** Where the exported declarations are tagged `@internal`, as `file:line`. */
  readonly internal: readonly string[];
}

function readSurface(): Record<Entry, ExportedName[]> {
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const files = Object.values(ENTRIES).map((file) => path.join(ROOT, file));
  // no global types: resolving exports needs none, and parsing @types/node is most of the cost
  const program = ts.createProgram(files, { ...options, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const result = {} as Record<Entry, ExportedName[]>;
  for (const [entry, file] of Object.entries(ENTRIES) as Array<[Entry, string]>) {
    const source = program.getSourceFile(path.join(ROOT, file));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${file} is not a module`);
    result[entry] = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const internal = (target.declarations ?? [])
        .filter((d) => ts.getJSDocTags(d).some((tag) => tag.tagName.text === 'internal'))
        .map((d) => {
          const sf = d.getSourceFile();
          return `${path.relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(d.getStart()).line + 1}`;
        });
      return { name: symbol.name, value: !typeOnly(checker, symbol) && (target.flags & ts.SymbolFlags.Value) !== 0, internal };
    });
  }
  return result;
}

/** Whether an export, or a re-export it goes through, is `export type`: then it has no runtime value. */
function typeOnly(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  for (let s: ts.Symbol | undefined = symbol; s && s.flags & ts.SymbolFlags.Alias; s = checker.getImmediateAliasedSymbol(s)) {
    const declarations = s.declarations ?? [];
    if (declarations.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return true;
  }
  return false;
}

/** What each entry exports: one program over every entry, read once for the whole file. */
let surface: Record<Entry, ExportedName[]>;
beforeAll(() => {
  surface = readSurface();
}, 60_000);

const names = (entry: Entry) => surface[entry].map((e) => e.name).sort();

describe('the public surface', () => {
  it('astro-rx exports these values at runtime', () => {
    expect(Object.keys(root).sort()).toEqual(['AstroError', 'DEFAULT_URL', 'createAstroClient', 'eachEvent', 'isAstroError', 'openSocket']);
  });

  it('astro-rx exports at most 30 names, values and types together', () => {
    expect(names('astro-rx').length).toBeLessThanOrEqual(30);
    // a change to the root surface is a decision: update this list with it
    expect(names('astro-rx')).toEqual(
      [
        // the client
        'createAstroClient',
        'DEFAULT_URL',
        'AstroClient',
        'AstroClientOptions',
        'TopicOptions',
        'TopicMessage',
        'ConnectionState',
        'ClientMetrics',
        'Gap',
        'Logger',
        'eachEvent',
        'EachEventOptions',
        'OverflowPolicy',
        // errors
        'AstroError',
        'isAstroError',
        'AstroErrorCode',
        'AstroErrorDetails',
        'ClientErrorCode',
        // topics, tokens and frames
        'TopicName',
        'TopicPayload',
        'TokenType',
        'ServerFrame',
        // the transport seam
        'openSocket',
        'OpenSocketOptions',
        'OpenSocket',
        'SocketEvent',
        'SocketHandle',
        'WebSocketCtor',
        'WebSocketLike',
      ].sort(),
    );
  });

  it('astro-rx/operators exports connect and runMachine with their types', () => {
    expect(names('astro-rx/operators')).toEqual(['ConnectionConfig', 'ConnectionEvent', 'DisconnectCause', 'Intent', 'Transition', 'connect', 'runMachine'].sort());
  });

  // TODO(#11): add 'astro-rx/testing' once lib/testing/gateway/context.ts's SubscribeFault is no longer @internal (or no longer exported)
  it('astro-rx/redis exports the bridge, the consumer and the desired-set edits with their types', () => {
    expect(names('astro-rx/redis')).toEqual(
      [
        'Bridge',
        'BridgeMetrics',
        'BridgeOptions',
        'BridgeState',
        'DesiredKey',
        'RedisGapMarker',
        'RedisLike',
        'RedisMessage',
        'RedisStreamEvent',
        'RedisStreamItem',
        'RedisStreamOptions',
        'TokenFor',
        'addDesired',
        'fromRedisStream',
        'listDesired',
        'redisKeys',
        'removeDesired',
        'startBridge',
      ].sort(),
    );
  });

  it.each(['astro-rx', 'astro-rx/protocol', 'astro-rx/operators', 'astro-rx/payloads', 'astro-rx/redis'] as Entry[])('%s exports nothing tagged @internal', (entry) => {
    expect(surface[entry].filter((e) => e.internal.length > 0)).toEqual([]);
  });

  it.each([
    ['astro-rx', root],
    ['astro-rx/protocol', protocol],
    ['astro-rx/operators', operators],
    ['astro-rx/payloads', payloads],
    ['astro-rx/redis', redis],
  ] as Array<[Entry, object]>)('the runtime exports of %s are its value exports', (entry, module) => {
    const values = surface[entry].filter((e) => e.value).map((e) => e.name);
    expect(Object.keys(module).sort()).toEqual(values.sort());
  });
});
