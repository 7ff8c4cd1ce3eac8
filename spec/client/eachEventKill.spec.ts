import { Subject } from 'rxjs';
import { AstroError } from '../../lib/errors/astroError';
import { EachEventOptions, eachEvent } from '../../lib/client/eachEvent';

/** The error eachEvent throws at call time, or undefined. */
function thrownBy(options: EachEventOptions): unknown {
  try {
    eachEvent(new Subject<number>(), options);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('eachEvent: option errors name the option and the value', () => {
  it.each<[string, EachEventOptions, string]>([
    ['bufferSize 0', { bufferSize: 0 }, 'eachEvent: option bufferSize must be an integer >= 1, got 0'],
    ['bufferSize 2.5', { bufferSize: 2.5 }, 'eachEvent: option bufferSize must be an integer >= 1, got 2.5'],
    ['bufferSize "10"', { bufferSize: '10' as unknown as number }, 'eachEvent: option bufferSize must be an integer >= 1, got "10"'],
    ['bufferSize null', { bufferSize: null as unknown as number }, 'eachEvent: option bufferSize must be an integer >= 1, got null'],
    ['overflow "drop"', { overflow: 'drop' as unknown as 'error' }, `eachEvent: option overflow must be 'error' or 'dropOldest', got "drop"`],
    ['onDrop 1', { onDrop: 1 as unknown as () => void }, 'eachEvent: option onDrop must be a function, got 1'],
  ])('%s', (_, options, message) => {
    const e = thrownBy(options);
    expect(e).toBeInstanceOf(AstroError);
    expect((e as AstroError).code).toBe('invalid_argument');
    expect((e as AstroError).message).toBe(message);
  });

  it.each<[string, EachEventOptions]>([
    ['bufferSize 1', { bufferSize: 1 }],
    ['overflow dropOldest with an onDrop', { overflow: 'dropOldest', onDrop: () => undefined }],
  ])('accepts %s', (_, options) => {
    expect(thrownBy(options)).toBeUndefined();
  });
});
