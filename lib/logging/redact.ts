/**
 * Redaction for anything that may be printed. Two nets: values under sensitive keys are
 * replaced whatever they hold, and secret-shaped text is cut out of every string (error
 * messages and stacks included), so a token that slips into free text is still caught.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /^(access_?token|refresh_?token|stale_?token|session_?id|sid|private_?key|client_?secret|assertion|secret_?string|secret_?binary|authorization|password|signature|token)$/i;

const SECRET_PATTERNS: readonly RegExp[] = [
  // PEM blocks, also with newlines stored as literal "\n".
  /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g,
  // Bearer credentials quoted in free text; before the form pattern, which could swallow the word.
  /Bearer\s+[A-Za-z0-9._~+/!=-]{16,}/g,
  // Salesforce session ids: 15- or 18-char org id, "!", then the secret part. No word boundary:
  // they also turn up glued to other text (a URL-encoded "sid%3D00D...").
  /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g,
  // Compact JWS/JWT (assertions, JWT-style access tokens).
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g,
  // Form-encoded secrets, e.g. a request body quoted in an error.
  /\b(client_secret|assertion|access_token)=[^&\s"]+/g,
];

/** The user name and password of a URL in free text (`https://user:pass@host`). */
const URL_USERINFO = /\/\/[^\s/?#@"']+@/g;

/** Cuts secret-shaped substrings out of a string. */
export function redactText(text: string): string {
  let out = text.replace(URL_USERINFO, `//${REDACTED}@`);
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, name: unknown) =>
      typeof name === 'string' && match.startsWith(`${name}=`) ? `${name}=${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/** A JSON.stringify replacer that applies both nets at every depth. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key && SENSITIVE_KEY.test(key) && value !== undefined && value !== null && value !== '')
    return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}

/**
 * A URL as it may be printed: scheme, host, port and path, never its user name, password, query
 * string or fragment, any of which may hold a credential (`user:pass@`, `?token=`, a presigned
 * URL's signature). Text that is not a URL gives `(invalid URL)`, since it cannot be taken apart.
 *
 * @example
 * ```ts
 * redactUrl('https://user:pass@example.com/a.ndjson?token=x'); // 'https://example.com/a.ndjson'
 * redactUrl('s3://bucket/exports/'); // 's3://bucket/exports/'
 * ```
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '(invalid URL)';
  }
  // Not `origin`: it is "null" for schemes such as s3:.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
