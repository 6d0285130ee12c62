/** API usage as Salesforce reports it in `Sforce-Limit-Info: api-usage=18/5000`. */
export interface ApiUsage {
  used: number;
  limit: number;
}

/**
 * Parses the `Sforce-Limit-Info` header, including the per-app form
 * `api-usage=25/5000; per-app-api-usage=17/250(appName=...)`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm).
 */
export function parseLimitInfo(header: string | null): ApiUsage | undefined {
  const match = header ? /(?:^|[;\s])api-usage=(\d+)\/(\d+)/.exec(header) : null;
  if (!match) return undefined;
  return { used: Number(match[1]), limit: Number(match[2]) };
}
