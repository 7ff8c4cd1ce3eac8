/**
 * The gateway emulator: a real `ws` server on loopback around the gateway core.
 *
 * @module
 */
export { startEmulator } from './emulator';
export type { EmulatorOptions } from './options';
export {
  EMULATOR_CLOSE_CODES,
  type Emulator,
  type EmulatorFaults,
  type EmulatorStats,
  type ConnectionInfo,
  type SubscriptionInfo,
  type PublishResult,
} from './types';
export { WELCOME_MESSAGE, RECONNECT_MESSAGE } from '../gateway/frames';
