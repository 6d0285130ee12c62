import type { SalesforceErrorItem } from '../errors.js';
import { tryParseJson } from '../json.js';

/**
 * Reads Salesforce's REST error body, `[{message, errorCode, fields?}]`; an HTML page or
 * other text (proxies, maintenance pages) becomes one item without quoting it.
 */
export function parseErrorBody(text: string): SalesforceErrorItem[] {
  const body = tryParseJson(text);
  if (body === undefined) return [];
  const items = Array.isArray(body) ? body : [body];
  return items.flatMap((item: unknown): SalesforceErrorItem[] => {
    if (typeof item !== 'object' || item === null) return [];
    const { message, errorCode, fields } = item as Record<string, unknown>;
    if (typeof errorCode !== 'string') return [];
    return [
      {
        errorCode,
        message: typeof message === 'string' ? message : '',
        fields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : undefined,
      },
    ];
  });
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
