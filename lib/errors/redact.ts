/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`, and the
 * value of any `reconnect_token` / `token` query parameter.
 *
 * @internal
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(/([?&](?:reconnect_token|token)=)[^&#\s]*/g, '$1[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
