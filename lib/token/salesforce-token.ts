/**
 * A Salesforce access token as this package hands it out: the token vendor's response body,
 * with times in epoch milliseconds.
 */
export interface SalesforceToken {
  accessToken: string;
  /** Base URL for REST calls, e.g. https://MyDomain.my.salesforce.com. */
  instanceUrl: string;
  /** Always `Bearer` in practice. */
  tokenType: string;
  /** When the login request was sent (local clock). */
  issuedAt: number;
  /**
   * When the token is assumed to expire: issuedAt + SALESFORCE_SESSION_TTL_SECONDS, since
   * Salesforce does not say. A 401 INVALID_SESSION_ID before then means it was revoked or the
   * timeout is shorter: refresh with the stale token.
   */
  expiresAt: number;
  /** The scopes granted, when Salesforce says. */
  scope?: string | undefined;
}
