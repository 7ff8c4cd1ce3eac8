/**
 * `astro-rx/operators`: the two pieces the client's own pipeline is built from,
 * for code that wants the connection without the client's subscription table.
 *
 * - {@link connect}: the Astro connection as a cold Observable of
 *   {@link ConnectionEvent}s, driven by {@link Intent}s (what to be subscribed to).
 * - {@link runMachine}: runs a pure state machine (`(state, input, now) →
 *   { state, outputs }`) over a stream of inputs; `connect` runs its link and
 *   outbox machines with it.
 *
 * @packageDocumentation
 * @module astro-rx/operators
 */
export { runMachine } from './runMachine';
export type { Transition } from './runMachine';
export { connect } from '../connection/connect';
export type { ConnectionConfig, ConnectionEvent, Intent, DisconnectCause } from '../connection/connect';
