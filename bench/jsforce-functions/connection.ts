// A jsforce v3 connection the way its documentation shows it: `new jsforce.Connection({loginUrl})`
// then `conn.authorize({grant_type: jwt-bearer, assertion})`, with a `refreshFn` so that an expired
// session is renewed by signing a new assertion (JWT Bearer issues no refresh token). The private
// key comes from Secrets Manager once per container.
import jsforce, { type Connection } from 'jsforce';
import {
  JWT_BEARER_GRANT,
  secretOncePerProcess,
  signAssertion,
  type HandRolledSecret,
} from '../shared/salesforce-secret.js';
import { API_VERSION } from '../shared/upsert-report.js';

/**
 * How the connection is kept between calls. `naive`: the usual hand-written module cache
 * (`if (conn) return conn; ... await conn.authorize(); conn = ...`), which only helps once a
 * login has finished. `promise`: the in-flight login promise is cached, so concurrent callers share it.
 */
export type ConnectionCache = 'naive' | 'promise';

export interface JsforceContext {
  getConnection(): Promise<Connection>;
}

/** What a function builds at module scope: the secret read, and the connection cache. */
export function createJsforceContext(cache: ConnectionCache = 'naive'): JsforceContext {
  const secret = secretOncePerProcess();

  const refreshFn = (conn: Connection, callback: (error: Error | null, accessToken?: string) => void) => {
    secret
      .then(signAssertion)
      .then((assertion) => conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion }))
      .then(
        () => {
          callback(null, conn.accessToken ?? undefined);
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
  };

  const login = async (): Promise<Connection> => {
    const credentials: HandRolledSecret = await secret;
    const conn = new jsforce.Connection({ loginUrl: credentials.loginUrl, version: API_VERSION, refreshFn });
    await conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion: await signAssertion(credentials) });
    return conn;
  };

  if (cache === 'promise') {
    let pending: Promise<Connection> | undefined;
    return {
      getConnection: () => {
        pending ??= login().catch((error: unknown) => {
          pending = undefined;
          throw error;
        });
        return pending;
      },
    };
  }
  let connection: Connection | undefined;
  return {
    getConnection: async () => {
      if (connection) return connection;
      const conn = await login();
      connection = conn;
      return conn;
    },
  };
}
