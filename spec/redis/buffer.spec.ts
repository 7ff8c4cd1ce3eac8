/** The append buffer machine: bounded, in order, a gap marker for what it drops. */
import { buffer, initialBuffer, type BufferConfig, type BufferInput, type BufferOutput, type BufferState } from '../../lib/redis/buffer';
import { messageEntry, type PendingEntry } from '../../lib/redis/entries';

const config: BufferConfig = { bound: 3, batch: 2 };
const msg = (n: number, room = 'r1'): PendingEntry => messageEntry({ id: `e${n}`, topic: 'channel.tips', room, data: { n } } as never, n * 10);
const enq = (n: number, room?: string): BufferInput => ({ type: 'enqueue', entry: msg(n, room) });

function run(inputs: BufferInput[], state: BufferState = initialBuffer()) {
  const outputs: BufferOutput[] = [];
  for (const [i, input] of inputs.entries()) {
    const step = buffer(state, input, 1000 + i, config);
    state = step.state;
    outputs.push(...step.outputs);
  }
  return { state, outputs };
}
const writes = (outs: BufferOutput[]) =>
  outs.filter((o) => o.type === 'write').map((o) => (o.type === 'write' ? o.entries.map((e) => (e.kind === 'message' ? e.eventId : `gap ${e.gap.room} ${e.gap.from}-${e.gap.to}`)) : []));

describe('append buffer', () => {
  it('writes one batch at a time, in order', () => {
    const { outputs, state } = run([enq(1), enq(2), enq(3), { type: 'written' }, { type: 'written' }]);
    expect(writes(outputs)).toEqual([['e1'], ['e2', 'e3']]);
    expect(state.queue).toEqual([]);
  });

  it('holds entries while Redis is away and flushes them in order on a retry', () => {
    const { outputs, state } = run([enq(1), { type: 'writeFailed' }, enq(2), enq(3), { type: 'retry' }, { type: 'written' }, { type: 'written' }]);
    expect(writes(outputs)).toEqual([['e1'], ['e1', 'e2'], ['e3']]);
    expect(state.up).toBe(true);
  });

  it('never holds more than the bound: drops the oldest and writes a gap marker for them first', () => {
    const { outputs, state } = run([enq(1), { type: 'writeFailed' }, enq(2), enq(3), enq(4), enq(5), enq(6, 'r2')]);
    expect(state.queue.map((e) => e.eventId)).toEqual(['e4', 'e5', 'e6']);
    expect(state.dropped).toBe(3);
    expect(outputs.filter((o) => o.type === 'dropped').map((o) => o.entry.eventId)).toEqual(['e1', 'e2', 'e3']);
    const retried = run([{ type: 'retry' }, { type: 'written' }, { type: 'written' }], state);
    expect(writes(retried.outputs)).toEqual([['gap r1 10-30', 'e4'], ['e5', 'e6']]);
    expect(retried.state.queue).toEqual([]);
  });

  it('merges a dropped gap marker into the next one instead of losing it', () => {
    let { state } = run([enq(1), { type: 'writeFailed' }, enq(2), enq(3), enq(4)]);
    ({ state } = run([{ type: 'retry' }, { type: 'writeFailed' }, enq(5), enq(6), enq(7)], state));
    expect(state.queue.length).toBe(config.bound);
    const { outputs } = run([{ type: 'retry' }], state);
    // one marker covers the earlier marker's range and the events dropped since
    expect(writes(outputs)[0]).toEqual(['gap r1 10-40', 'e5']);
  });
});
