import { MAX_LOGGED_KEY_CHARS, MAX_LOGGED_STRING_CHARS } from '../constants.js';

/**
 * Redaction for anything that may be printed. Two nets: values under sensitive keys are
 * replaced whatever they hold, and secret-shaped text is cut out of every string (error
 * messages and stacks included), so a token that slips into free text is still caught.
 *
 * Logged text can come from anyone who can send a message (an SQS body's external ID ends up in
 * a warning), so every step here runs in time linear in its input: strings are first cut to
 * {@link MAX_LOGGED_STRING_CHARS}, and no pattern can backtrack over the same text once per
 * starting position (the compact JWS is found by a scanner, not a regular expression; see
 * https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS).
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /^(access_?token|refresh_?token|stale_?token|session_?id|sid|private_?key|client_?secret|assertion|secret_?string|secret_?binary|authorization|password|signature|token)$/i;

// Each of these is linear on any input: each starts at a literal (`-----BEGIN `, `Bearer`, `00D`)
// and, once past a bounded head, either always matches (the PEM's `|$`, the session id's `+`) or
// scans a run that no later start can rescan (a Bearer token's run cannot contain `Bearer` plus
// blanks). A pattern that can restart inside the run it just scanned, as the compact JWS's did, is
// quadratic: test/logging/redact.test.ts times each one unbounded on a megabyte built against it.
const SECRET_PATTERNS: readonly RegExp[] = [
  // PEM blocks, also with newlines stored as literal "\n".
  /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g,
  // Bearer credentials quoted in free text; before the form pattern, which could swallow the word.
  /Bearer\s+[A-Za-z0-9._~+/!=-]{16,}/g,
  // Salesforce session ids: 15- or 18-char org id, "!", then the secret part. No word boundary:
  // they also turn up glued to other text (a URL-encoded "sid%3D00D...").
  /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g,
];

/** Form-encoded secrets, e.g. a request body quoted in an error; after the JWS scan, as before. */
const FORM_SECRET = /\b(client_secret|assertion|access_token)=[^&\s"]+/g;

/** The user name and password of a URL in free text (`https://user:pass@host`). */
const URL_USERINFO = /\/\/[^\s/?#@"']+@/g;

/**
 * Cuts secret-shaped substrings out of a string. A string longer than `maxChars` (default
 * {@link MAX_LOGGED_STRING_CHARS}) is cut first, and ends with a `…[truncated: N chars]` marker.
 */
export function redactText(text: string, maxChars = MAX_LOGGED_STRING_CHARS): string {
  const { kept, marker } = bound(text, maxChars);
  let out = kept.replace(URL_USERINFO, `//${REDACTED}@`);
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  out = redactCompactJws(out);
  out = out.replace(FORM_SECRET, (_match, name: string) => `${name}=${REDACTED}`);
  return out + marker;
}

/** The end of the run of base64url characters (`[A-Za-z0-9_-]`) starting at `from`. */
function runEnd(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20; // ASCII letters folded to lower case
    const letter = c >= 0x61 && c <= 0x7a;
    const other = text.charCodeAt(i);
    if (!letter && !(other >= 0x30 && other <= 0x39) && other !== 0x5f && other !== 0x2d) break;
  }
  return i;
}

/**
 * Replaces each compact JWS (`eyJ` + at least 5 more characters, `.`, at least 5, `.`, at least 1:
 * https://datatracker.ietf.org/doc/html/rfc7515#section-7.1) with {@link REDACTED}, leftmost
 * first, as the regular expression `/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g` would, but in linear
 * time: that expression, unanchored, rescans the rest of a run from every `eyJ` in it, so
 * `"eyJ".repeat(n)` took time quadratic in n. No anchor can fix it (a JWS glued to a word, as in
 * a URL-encoded `%3DeyJ...`, must still be found). Every `eyJ` of one run of base64url characters
 * reaches the same `.`, and the first has the most characters before it, so only the first `eyJ`
 * of a run is ever tried, and each run is scanned at most three times.
 */
function redactCompactJws(text: string): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const start = text.indexOf('eyJ', from);
    if (start < 0) break;
    const end1 = runEnd(text, start + 3);
    if (end1 - start < 8 || text.charAt(end1) !== '.') {
      from = Math.max(end1, start + 1);
      continue;
    }
    // Whatever happens next, no JWS starts in this run: its first `eyJ` was the best candidate.
    from = end1 + 1;
    const end2 = runEnd(text, end1 + 1);
    if (end2 - end1 - 1 < 5 || text.charAt(end2) !== '.') continue;
    const end3 = runEnd(text, end2 + 1);
    if (end3 === end2 + 1) continue;
    out += text.slice(copied, start) + REDACTED;
    copied = end3;
    from = end3;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Characters a secret never spans (PEM blocks aside, which redaction catches cut short). */
const TOKEN_BOUNDARY = /[\s"'`<>]/;

/**
 * `text` cut to `maxChars`, and the marker that says so. The cut never splits a surrogate pair,
 * and backs up to the start of the word it falls in: a token cut short may no longer look like
 * one (a Bearer token under 16 characters, a JWS without its signature), so its head would be
 * printed unredacted.
 */
function bound(text: string, maxChars: number): { kept: string; marker: string } {
  if (text.length <= maxChars) return { kept: text, marker: '' };
  let cut = maxChars;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  if (!TOKEN_BOUNDARY.test(text.charAt(cut))) {
    while (cut > 0 && !TOKEN_BOUNDARY.test(text.charAt(cut - 1))) cut--;
  }
  return { kept: text.slice(0, cut), marker: `…[truncated: ${String(text.length - cut)} chars]` };
}

/**
 * A JSON.stringify replacer that applies both nets at every depth, to values and to object keys
 * (a key can be input too: a record's field names), each string bounded as {@link redactText} does.
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key && SENSITIVE_KEY.test(key) && value !== undefined && value !== null && value !== '')
    return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.some((k) => redactKey(k) !== k)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactKey(k), v]));
    }
  }
  return value;
}

/** A key as printed: cut to {@link MAX_LOGGED_KEY_CHARS}, secret-shaped text cut out. */
function redactKey(key: string): string {
  return redactText(key, MAX_LOGGED_KEY_CHARS);
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
