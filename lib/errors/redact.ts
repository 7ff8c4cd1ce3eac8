/**
 * Replaces with `[redacted]`: every occurrence of each secret in `text`; the
 * value of any `reconnect_token` / `token` query parameter; anything shaped like
 * a JWT; and any run of 40 or more token characters (base64url and dots) — the
 * shape of every credential the gateway deals in, and of nothing a log needs.
 * Ids (ULIDs, UUIDs, channel ids) are shorter and survive.
 *
 * @internal
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(/([?&](?:reconnect_token|token)=)[^&#\s"']*/g, '$1[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(JWT_LIKE, '[redacted]').replace(LONG_TOKEN_RUN, '[redacted]');
}

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;
const LONG_TOKEN_RUN = /[A-Za-z0-9_\-.]{40,}/g;
