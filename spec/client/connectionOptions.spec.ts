import { asyncScheduler } from 'rxjs';
import { connectionOptions } from '../../lib/client/connectionOptions';
import { safeLogger } from '../../lib/util/logger';

describe('connectionOptions: the logger a connection gets', () => {
  it('is none when the client has no logger, so no line is formatted for nobody', () => {
    const opts = connectionOptions({}, 'wss://example.test', asyncScheduler, safeLogger(undefined));
    expect(opts.logger).toBeUndefined();
  });

  it("has exactly the user's levels and writes through the client's redacting logger", () => {
    const lines: string[] = [];
    const user = { warn: (m: string) => lines.push(m) };
    const log = safeLogger(user);
    log.addSecret('secret-token-123');
    const opts = connectionOptions({ logger: user }, 'wss://example.test', asyncScheduler, log);
    expect(Object.keys(opts.logger ?? {})).toEqual(['warn']);
    opts.logger?.warn?.('refused secret-token-123');
    expect(lines).toEqual(['refused [redacted]']);
  });
});
