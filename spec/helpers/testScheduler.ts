import { TestScheduler } from 'rxjs/testing';
import { AstroError } from '../../lib/errors/astroError';

// Error notifications compare by name, code and message, not by stack trace.
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v['kind'] === 'E' && v['error'] instanceof Error) {
      const e = v['error'] as Error;
      return {
        ...v,
        error: e instanceof AstroError ? { name: e.name, code: e.code, message: e.message } : { name: e.name, message: e.message },
      };
    }
    if ('notification' in v) return { ...v, notification: normalise(v['notification']) };
  }
  return value;
}

/** A fresh TestScheduler whose assertions use jest's `toEqual`. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(normalise(actual)).toEqual(normalise(expected));
  });
}
