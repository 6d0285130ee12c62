const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a URL may carry a credential: https, or plain http to a loopback host, where the local
 * stack's emulators run and nothing crosses a network.
 */
export function isSecureTransport(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * Checks a Salesforce login URL (`https://login.salesforce.com`, `https://test.salesforce.com`,
 * a My Domain, or an Experience Cloud site such as `https://site.force.com/customers`) and
 * returns it without a trailing slash. Plain http is refused except on loopback hosts, where
 * the local stack's emulator runs: a token request carries a signed assertion or a client
 * secret and must not cross a network in clear text.
 *
 * @returns the normalised URL, or a problem description that never repeats the input.
 */
export function normaliseLoginUrl(raw: string): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { problem: 'must be an absolute URL such as https://login.salesforce.com' };
  }
  if (url.username || url.password) return { problem: 'must not contain credentials' };
  if (url.search || url.hash) return { problem: 'must not have a query string or fragment' };
  if (url.protocol === 'http:' && !isSecureTransport(url)) {
    return { problem: 'must use https (plain http is accepted only for loopback hosts)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'must use https' };
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
