import { defaultWakeups } from '../../lib/client/wakeups';

type Global = { window?: unknown };
const g = globalThis as Global;

/** An event with the `persisted` flag browsers set on `pageshow`. */
function pageshow(persisted: boolean | undefined): Event {
  const e = new Event('pageshow');
  if (persisted !== undefined) Object.defineProperty(e, 'persisted', { value: persisted });
  return e;
}

describe('defaultWakeups', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'window');
  afterEach(() => {
    if (saved) Object.defineProperty(globalThis, 'window', saved);
    else delete g.window;
  });

  it.each([
    { title: 'no window (Node)', window: undefined },
    { title: 'a window without addEventListener', window: {} },
    { title: 'a window whose addEventListener is not a function', window: { addEventListener: true } },
  ])('is undefined with $title', ({ window }) => {
    g.window = window;
    expect(defaultWakeups()).toBeUndefined();
  });

  it.each([
    { title: 'online', event: () => new Event('online'), wakes: 1 },
    { title: 'pageshow from the back/forward cache', event: () => pageshow(true), wakes: 1 },
    { title: 'pageshow of a fresh load', event: () => pageshow(false), wakes: 0 },
    { title: 'pageshow without the flag', event: () => pageshow(undefined), wakes: 0 },
    { title: 'offline', event: () => new Event('offline'), wakes: 0 },
    { title: 'an event with an empty name', event: () => new Event(''), wakes: 0 },
  ])('in a browser, $title wakes $wakes time(s)', ({ event, wakes }) => {
    const target = new EventTarget();
    g.window = target;
    const wakeups = defaultWakeups();
    expect(wakeups).toBeDefined();
    let seen = 0;
    const sub = wakeups?.subscribe(() => seen++);
    target.dispatchEvent(event());
    sub?.unsubscribe();
    target.dispatchEvent(event());
    expect(seen).toBe(wakes);
  });
});
