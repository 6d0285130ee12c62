// The minimal hand-rolled client: fetch + jose. Sign an assertion, POST it to the token endpoint,
// keep the token in a module variable, PATCH /composite/sobjects in chunks of 200, one after the
// other, no retries, no session refresh. What a first version of such a Lambda usually looks like.
import {
  JWT_BEARER_GRANT,
  secretOncePerProcess,
  signAssertion,
  type HandRolledSecret,
} from '../shared/salesforce-secret.js';
import {
  API_VERSION,
  EXTERNAL_ID_FIELD,
  externalIdOf,
  SOBJECT,
  threwReport,
  type BenchRecord,
  type UpsertReport,
} from '../shared/upsert-report.js';

export interface BaselineToken {
  accessToken: string;
  instanceUrl: string;
}

export interface BaselineContext {
  getToken(): Promise<BaselineToken>;
  /** GET /limits: one authenticated call. */
  limits(): Promise<void>;
  upsert(records: readonly BenchRecord[]): Promise<UpsertReport>;
}

async function login(secret: HandRolledSecret): Promise<BaselineToken> {
  const response = await fetch(`${secret.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: await signAssertion(secret) }),
  });
  if (!response.ok) throw new Error(`login failed: HTTP ${response.status}`);
  const body = (await response.json()) as { access_token: string; instance_url: string };
  return { accessToken: body.access_token, instanceUrl: body.instance_url };
}

/** What the function builds at module scope: the secret read, and a token variable. */
export function createBaselineContext(): BaselineContext {
  const secret = secretOncePerProcess();
  let token: BaselineToken | undefined;
  const getToken = async () => {
    if (token) return token;
    const fresh = await login(await secret);
    token = fresh;
    return fresh;
  };
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const { accessToken, instanceUrl } = await getToken();
    const response = await fetch(`${instanceUrl}/services/data/v${API_VERSION}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`Salesforce ${method} ${path}: HTTP ${response.status}`);
    return response.json();
  };
  return {
    getToken,
    limits: async () => {
      await call('GET', '/limits');
    },
    upsert: async (records) => {
      const failedIds: string[] = [];
      try {
        for (let start = 0; start < records.length; start += 200) {
          const chunk = records.slice(start, start + 200);
          const results = (await call('PATCH', `/composite/sobjects/${SOBJECT}/${EXTERNAL_ID_FIELD}`, {
            allOrNone: false,
            records: chunk.map((record) => ({ attributes: { type: SOBJECT }, ...record })),
          })) as { success: boolean }[];
          results.forEach((result, index) => {
            const record = chunk[index];
            if (!result.success && record) failedIds.push(externalIdOf(record));
          });
        }
      } catch (error) {
        return threwReport('collections', records, error);
      }
      return { api: 'collections', failedIds };
    },
  };
}
