import { createGaps, done, stepGaps, type GapState } from '../../lib/client/gaps';
import { AstroError } from '../../lib/errors/astroError';
import type { ConnectionEvent } from '../../lib/connection/events';

const none = () => [];
const err = new AstroError('transport', 'socket closed');

describe('stepGaps: loss reported by a socket still delivering', () => {
  it.each([
    { title: 'no open window: nothing opens', open: undefined, at: 50, from: undefined },
    { title: 'an open window without a start takes the loss instant', open: { cause: 'error' }, at: 50, from: 50 },
    { title: 'an earlier start is kept', open: { from: 20, cause: 'error' }, at: 50, from: 20 },
    { title: 'a later start moves back to the loss', open: { from: 80, cause: 'error' }, at: 50, from: 50 },
  ])('$title', ({ open, at, from }) => {
    const s: GapState = createGaps();
    if (open) s.open = { ...open, waiting: new Set(['e1']) };
    const closed = stepGaps(s, { type: 'loss', at }, 100, none);
    expect(closed).toEqual([]);
    expect(s.open?.from).toBe(from);
    if (!open) expect(s.open).toBeUndefined();
  });

  it('the window then closes from the loss instant when its subscription is back', () => {
    const s = createGaps();
    const wanted = () => ['e1'];
    stepGaps(s, { type: 'disconnected', cause: 'error', error: err } as ConnectionEvent, 10, wanted);
    // a fresh session while the old socket still delivers: no start yet
    expect(stepGaps(s, { type: 'welcome', clientId: 'c', restored: false }, 20, wanted)).toEqual([]);
    expect(s.open?.from).toBeUndefined();
    expect(stepGaps(s, { type: 'loss', at: 30 }, 35, wanted)).toEqual([]);
    expect(stepGaps(s, { type: 'subscribed', refs: ['e1'], topic: 't', room: 'r' }, 40, wanted)).toEqual([{ from: 30, to: 40, cause: 'error' }]);
    expect(done(s, ['e1'], 50)).toEqual([]);
  });
});
