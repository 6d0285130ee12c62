/**
 * The usual fix for each well-known token-endpoint error, keyed by Salesforce's
 * `error_description` (lower case) or, failing that, by `error`. Sources for the texts:
 * ../shared/reference/salesforce-behaviour.md §1.4 and §2.
 */
const BY_DESCRIPTION: Record<string, string> = {
  "user hasn't approved this consumer":
    "pre-authorize the user: in the app's policies set Permitted Users to 'Admin approved users are pre-authorized' and assign the user's profile or permission set; also check that username is the exact Salesforce username (sandbox usernames carry a suffix)",
  'invalid assertion':
    "the JWT signature did not verify: the certificate uploaded to the app must belong to privateKey (after a key rotation, upload the new certificate first), and clientId must be the app's consumer key",
  'audience is invalid':
    'set audience to https://login.salesforce.com for production or https://test.salesforce.com for a sandbox (My Domain login URLs usually still need one of these as aud)',
  'audience validation failed':
    'set audience to https://login.salesforce.com for production or https://test.salesforce.com for a sandbox',
  'expired authorization code':
    "Salesforce saw the assertion as expired: check the signing machine's clock (exp is now + 3 minutes)",
  'inactive user':
    'the integration user is deactivated or frozen: reactivate it or point username at an active user',
  'login rate exceeded':
    'the user exceeded 3,600 logins per hour: tokens are cached per container, so look for many cold containers or callers bypassing the token vendor; logins resume within the hour',
  'ip restricted or invalid login hours':
    "the login came from outside the profile's IP ranges or login hours: relax the app's IP policy or the profile's restrictions",
  'request not supported on this domain':
    'the client-credentials flow needs the My Domain URL as loginUrl (https://MyDomain.my.salesforce.com), not login.salesforce.com or test.salesforce.com',
  'no client credentials user enabled': "set a Run As user in the app's Client Credentials flow policy",
  'client identifier invalid':
    'clientId is not the consumer key of an app in this org (a new app can take up to 10 minutes to be usable); check loginUrl points at the right org',
  'invalid client credentials':
    "clientSecret does not match the app's consumer secret (it may have been rotated)",
  'user is not admin approved to access this app':
    "assign the user's profile or permission set to the app (Manage Profiles / Manage Permission Sets on the app's policies)",
  'grant type not supported':
    'enable the flow on the app (JWT Bearer Flow or Client Credentials Flow under OAuth settings)',
};

const BY_ERROR: Record<string, string> = {
  invalid_client_id: BY_DESCRIPTION['client identifier invalid'] ?? '',
  invalid_client: BY_DESCRIPTION['invalid client credentials'] ?? '',
  invalid_app_access: BY_DESCRIPTION['user is not admin approved to access this app'] ?? '',
  unsupported_grant_type: BY_DESCRIPTION['grant type not supported'] ?? '',
};

export function hintFor(error: string, description: string): string | undefined {
  return BY_DESCRIPTION[description.trim().toLowerCase()] ?? BY_ERROR[error];
}
