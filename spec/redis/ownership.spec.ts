/** The ownership machine on plain inputs: which keys to subscribe, lease and hand over. */
import { initialOwnership, ownership, type OwnershipConfig, type OwnershipInput, type OwnershipOutput, type OwnershipState, type LeaseView } from '../../lib/redis/ownership';
import { keyId, type DesiredKey } from '../../lib/redis/keys';
import { ownerOf } from '../../lib/redis/rendezvous';

const A: OwnershipConfig = { workerId: 'a', holder: 'a/1', subscribeRetryMs: 5000 };
const key: DesiredKey = { topic: 'channel.tips', room: 'r1', ref: 'main' };
const id = keyId(key);
// second worker ids that win and lose `key` against 'a'
const candidates = Array.from({ length: 40 }, (_, i) => `w${i}`);
const rival = candidates.find((w) => ownerOf(id, ['a', w]) === w)!;
// a second worker id that loses `key` to 'a'
const loser = candidates.find((w) => ownerOf(id, ['a', w]) === 'a')!;

function run(inputs: Array<[OwnershipInput, number]>, state: OwnershipState = initialOwnership(), config = A) {
  const outputs: OwnershipOutput[][] = [];
  for (const [input, now] of inputs) {
    const step = ownership(state, input, now, config);
    state = step.state;
    outputs.push([...step.outputs]);
  }
  return { state, outputs };
}
const view = (holders: string[], lease: LeaseView = {}, desired = [key]): OwnershipInput => ({ type: 'view', view: { holders, desired, leases: new Map([[id, lease]]) } });
const types = (outs: OwnershipOutput[]) => outs.map((o) => o.type);

describe('ownership', () => {
  it('subscribes a key it owns first, then takes its free lease', () => {
    const { outputs } = run([
      [view(['a/1']), 0],
      [{ type: 'subscribed', id }, 10],
      [view(['a/1']), 300],
      [{ type: 'acquired', id }, 310],
      [view(['a/1'], { holder: 'a/1' }), 600],
    ]);
    expect(outputs.map(types)).toEqual([['subscribe'], [], ['acquire'], [], ['renew']]);
  });

  it('leaves a key another worker owns alone', () => {
    expect(run([[view(['a/1', `${rival}/1`]), 0]]).outputs).toEqual([[]]);
  });

  it('make-before-break, new owner: subscribes, marks ready while the old owner holds, then takes the lease', () => {
    const { outputs } = run([
      [view(['a/1', `${loser}/1`], { holder: `${loser}/1` }), 0],
      [{ type: 'subscribed', id }, 5],
      [view(['a/1', `${loser}/1`], { holder: `${loser}/1` }), 300],
      [view(['a/1', `${loser}/1`], {}), 600],
      [{ type: 'acquired', id }, 610],
    ]);
    expect(outputs.map(types)).toEqual([['subscribe'], [], ['markReady'], ['acquire'], []]);
  });

  it('make-before-break, old owner: keeps renewing until the new owner is ready, then releases and unsubscribes', () => {
    const held = run([
      [view(['a/1']), 0],
      [{ type: 'subscribed', id }, 5],
      [view(['a/1']), 300],
      [{ type: 'acquired', id }, 305],
    ]).state;
    const { outputs } = run(
      [
        [view(['a/1', `${rival}/1`], { holder: 'a/1' }), 600],
        [view(['a/1', `${rival}/1`], { holder: 'a/1', ready: rival }), 900],
        [view(['a/1', `${rival}/1`], {}), 1200],
      ],
      held,
    );
    expect(outputs).toEqual([[{ type: 'renew', id, key }], [{ type: 'release', id, key, handedOver: true }, { type: 'unsubscribe', id, key }], []]);
  });

  it('appends a gap marker when it takes over the lease of a worker that is gone', () => {
    const { outputs } = run([
      [view(['a/1']), 0],
      [{ type: 'subscribed', id }, 1000],
      [view(['a/1']), 1200],
      [{ type: 'acquired', id, previous: { holder: 'z/9', lastRenew: 400 } }, 1210],
    ]);
    expect(outputs[3]).toEqual([{ type: 'gap', key, from: 400, to: 1000, cause: 'lease_takeover' }]);
  });

  it('appends no gap marker for a lease taken from a live (slow) worker, or its own', () => {
    const live = run([
      [view(['a/1', 'z/9']), 0],
      [{ type: 'acquired', id, previous: { holder: 'z/9', lastRenew: 400 } }, 10],
      [{ type: 'acquired', id, previous: { holder: 'a/1', lastRenew: 400 } }, 20],
    ]);
    // 'a' owns it only if it wins against z; either way no gap
    expect(live.outputs.slice(1)).toEqual([[], []]);
  });

  it('unsubscribes and releases a key that is no longer desired', () => {
    const held = run([[view(['a/1']), 0], [{ type: 'subscribed', id }, 5], [view(['a/1'], { holder: 'a/1' }), 300]]).state;
    const { outputs, state } = run([[view(['a/1'], {}, []), 600]], held);
    expect(outputs[0]).toEqual([{ type: 'release', id, key, handedOver: true }, { type: 'unsubscribe', id, key }]);
    expect(state.keys.size).toBe(0);
  });

  it('waits before subscribing again after a refusal', () => {
    const { outputs } = run([
      [view(['a/1']), 0],
      [{ type: 'subscribeFailed', id }, 10],
      [view(['a/1']), 300],
      [view(['a/1']), 5010],
    ]);
    expect(outputs.map(types)).toEqual([['subscribe'], [], [], ['subscribe']]);
  });

  it('keeps its subscriptions while Redis cannot be read', () => {
    const { outputs, state } = run([[view(['a/1']), 0], [{ type: 'subscribed', id }, 5], [{ type: 'viewFailed' }, 300], [{ type: 'viewFailed' }, 600]]);
    expect(outputs.slice(2)).toEqual([[], []]);
    expect(state.keys.get(id)?.sub).toBe('yes');
  });

  it('on stop: hands over to the next owner, or releases without handover at the deadline', () => {
    const held = run([[view(['a/1']), 0], [{ type: 'subscribed', id }, 5], [view(['a/1'], { holder: 'a/1' }), 300]]).state;
    const alone = run([[{ type: 'stop', deadline: 2000 }, 400], [view(['a/1'], { holder: 'a/1' }), 600], [{ type: 'viewFailed' }, 2100]], held);
    expect(alone.outputs.map(types)).toEqual([[], ['renew'], ['release', 'unsubscribe', 'stopped']]);
    expect(alone.outputs[2]![0]).toEqual({ type: 'release', id, key, handedOver: false });
    const other = `${loser}/1`;
    const handed = run([[{ type: 'stop', deadline: 2000 }, 400], [view(['a/1', other], { holder: 'a/1', ready: loser }), 600]], held);
    expect(handed.outputs[1]).toEqual([{ type: 'release', id, key, handedOver: true }, { type: 'unsubscribe', id, key }, { type: 'stopped' }]);
    expect(ownership(handed.state, view(['a/1']), 700, A).outputs).toEqual([]);
  });
});
