// A token function written with jsforce: the connection (and so the token) is cached at module
// scope, as a hand-rolled Lambda would do it.
import { createJsforceContext } from './connection.js';

const context = createJsforceContext();

export async function handler(): Promise<{ accessToken: string; instanceUrl: string }> {
  const conn = await context.getConnection();
  return { accessToken: conn.accessToken ?? '', instanceUrl: conn.instanceUrl };
}
