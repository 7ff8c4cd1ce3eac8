import { InjectionToken, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import type { AstroClientOptions } from 'astro-rx';

/** What the app tells the Astro service: the gateway, the token, and the channel to follow. */
export interface AstroConfig extends AstroClientOptions {
  /** The channel id (the room of every topic). */
  readonly room: string;
}

export const ASTRO_CONFIG = new InjectionToken<AstroConfig>('astro-rx config');

/**
 * `bootstrapApplication(AppComponent, { providers: [provideAstro({ token, room })] })`.
 * Fetch the token from your backend; never ship a long-lived token in a bundle.
 */
export function provideAstro(config: AstroConfig): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: ASTRO_CONFIG, useValue: config }]);
}
