import { describeDecodeFailure, matchDecodeFailure, scrubDecodeFailure, type DecodeFailure } from '../../lib/protocol/decodeFailure';

const frame = { type: 'message' as const, topic: 'channel.tips', room: 'r', data: { secret: 'tok' } };
const failures: ReadonlyArray<readonly [DecodeFailure, string]> = [
  [{ _tag: 'InvalidJson', excerpt: '{tok', message: 'Unexpected token' }, 'frame is not JSON (Unexpected token)'],
  [{ _tag: 'BinaryFrame', byteLength: 7 }, 'binary frame of 7 bytes ignored (the gateway speaks text)'],
  [{ _tag: 'FrameTooLarge', byteLength: 11, limit: 10 }, 'frame of 11 bytes exceeds maxFrameBytes 10'],
  [{ _tag: 'FrameTooDeep', limit: 64 }, 'frame nested deeper than 64 levels ignored (maxDepth)'],
  [{ _tag: 'InvalidFrame', value: { tok: 1 }, errors: [], report: ['line tok'] }, 'frame does not match the protocol: line tok'],
  [{ _tag: 'UnknownFrameType', type: 'tok', value: {} }, 'frame of unknown type "tok" ignored'],
  [{ _tag: 'PayloadMismatch', frame, errors: [], report: ['bad tok'] }, 'payload of channel.tips does not match its documented shape: bad tok'],
];

describe('decode failures, one of each kind', () => {
  it.each(failures.map(([f, text]) => [f._tag, f, text] as const))('%s: describes itself', (_tag, failure, text) => {
    expect(describeDecodeFailure(failure)).toBe(text);
  });

  it.each(failures.map(([f]) => [f._tag, f] as const))('%s: matches its own handler', (tag, failure) => {
    const match = matchDecodeFailure({
      InvalidJson: () => 'InvalidJson',
      BinaryFrame: () => 'BinaryFrame',
      FrameTooLarge: () => 'FrameTooLarge',
      FrameTooDeep: () => 'FrameTooDeep',
      InvalidFrame: () => 'InvalidFrame',
      UnknownFrameType: () => 'UnknownFrameType',
      PayloadMismatch: () => 'PayloadMismatch',
    });
    expect(match(failure)).toBe(tag);
  });

  it.each(failures.map(([f]) => [f._tag, f] as const))('%s: scrubbed, keeps no secret and no raw value', (tag, failure) => {
    const scrubbed = scrubDecodeFailure(failure, (text) => text.replace(/tok/g, '[redacted]'));
    expect(scrubbed._tag).toBe(tag);
    expect(JSON.stringify(scrubbed)).not.toContain('tok');
    if ('value' in scrubbed) expect(scrubbed.value).toBeUndefined();
    if ('errors' in scrubbed) expect(scrubbed.errors).toEqual([]);
  });

  it('scrubs into the exact safe shapes', () => {
    const scrub = (text: string) => text.replace(/tok/g, '[redacted]');
    const [invalidJson, binary, tooLarge, tooDeep, invalid, unknown, mismatch] = failures.map(([f]) => scrubDecodeFailure(f, scrub));
    expect(invalidJson).toEqual({ _tag: 'InvalidJson', excerpt: '{[redacted]', message: 'Unexpected [redacted]en' });
    expect([binary, tooLarge, tooDeep]).toEqual([failures[1]?.[0], failures[2]?.[0], failures[3]?.[0]]);
    expect(invalid).toEqual({ _tag: 'InvalidFrame', value: undefined, errors: [], report: ['line [redacted]'] });
    expect(unknown).toEqual({ _tag: 'UnknownFrameType', type: '[redacted]', value: undefined });
    expect(scrubDecodeFailure({ _tag: 'UnknownFrameType', type: 5, value: 5 }, scrub)).toEqual({ _tag: 'UnknownFrameType', type: 'number', value: undefined });
    expect(scrubDecodeFailure({ _tag: 'UnknownFrameType', type: 't'.repeat(300), value: 5 }, scrub)).toMatchObject({ type: `${'t'.repeat(199)}…` });
    expect(mismatch).toEqual({ _tag: 'PayloadMismatch', frame: { type: 'message', topic: 'channel.tips', room: 'r', data: {} }, errors: [], report: ['bad [redacted]'] });
  });
});
