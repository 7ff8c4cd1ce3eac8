import { provideZonelessChangeDetection, type ApplicationConfig } from '@angular/core';
import { provideAstro } from './astro.config';

/**
 * `bootstrapApplication(TipsComponent, appConfig)` (from `@angular/platform-browser`).
 * In a real app the token comes from your backend (e.g. an APP_INITIALIZER or a
 * resolver); here it is read from the page's URL to keep the example short.
 */
const params = new URLSearchParams(globalThis.location?.search ?? '');

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideAstro({
      token: params.get('token') ?? '',
      room: params.get('room') ?? '',
      ...(params.get('url') ? { url: params.get('url')! } : {}),
    }),
  ],
};
