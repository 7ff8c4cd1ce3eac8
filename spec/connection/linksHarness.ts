import { LinksConfig, LinksInput, LinksOutput, createLinks, stepLinks } from '../../lib/connection/links';
import { resolveBackoffConfig } from '../../lib/policies/backoffDelay';

/** The links configuration of the links specs: backoff from 1 s without jitter, 5 s of uptime. */
export const linksConfig = (over: Partial<LinksConfig> = {}): LinksConfig => ({
  backoff: resolveBackoffConfig({ jitter: false, initialDelayMs: 1000, maxDelayMs: 30_000 }),
  minUptimeMs: 5000,
  blindFloorMs: 0,
  ...over,
});

/** Drives the links machine: `at(t, input)` steps it and returns what it decided. */
export function links(over: Partial<LinksConfig> = {}) {
  const cfg = linksConfig(over);
  const s = createLinks();
  const at = (now: number, input: LinksInput): LinksOutput[] => stepLinks(s, input, now, cfg);
  return { s, at, cfg };
}

export const welcome = (n: number): LinksInput => ({ type: 'welcome', n, clientId: `c${n}` });
