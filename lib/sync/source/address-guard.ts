// Which addresses a source may be read from. An http(s) source URL comes from configuration,
// but a redirect or a DNS answer can still point a request at the instance metadata service:
// link-local and metadata addresses are refused, whatever the name that led there.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const METADATA = new BlockList();
// Link-local, where AWS (169.254.169.254, ECS 169.254.170.2), GCP and Azure serve metadata.
METADATA.addSubnet('169.254.0.0', 16, 'ipv4');
METADATA.addSubnet('fe80::', 10, 'ipv6');
// EC2's IPv6 metadata endpoint:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
METADATA.addAddress('fd00:ec2::254', 'ipv6');
// Alibaba Cloud's metadata service.
METADATA.addAddress('100.100.100.200', 'ipv4');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Names that resolve to a metadata service inside clouds (GCP, AWS, ...). */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Why a host name may not be used, before any lookup; undefined when it may. */
export function hostProblem(hostname: string): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return METADATA_HOSTS.has(name) ? 'is a cloud metadata host' : undefined;
}

/**
 * Why an address may not be connected to; undefined when it may. Link-local and metadata
 * addresses never; with `loopbackOnly` (plain http), nothing but loopback. IPv4-mapped IPv6
 * addresses are checked as the IPv4 address they are.
 */
export function addressProblem(address: string, loopbackOnly: boolean): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (METADATA.check(address, family)) return 'is a link-local or metadata address';
  if (loopbackOnly && !LOOPBACK.check(address, family)) return 'is not a loopback address (plain http)';
  return undefined;
}

/** An address refused by the guard, failing the connection it was looked up for. */
export class AddressRefusedError extends Error {
  constructor(readonly problem: string) {
    super(`the source host ${problem}`);
    this.name = 'AddressRefusedError';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** `dns.lookup` with `all: true`, the shape {@link guardedLookup} resolves names with. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for node:http(s) that checks every address DNS returns before the socket connects
 * to it: the address checked is the one connected to, so a DNS answer that changes between a
 * check and the connection (DNS rebinding) cannot slip through. Literal IP hosts skip lookup:
 * check them with {@link addressProblem} first.
 */
export function guardedLookup(loopbackOnly: boolean, resolve: Resolver = dnsLookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      for (const { address } of addresses) {
        const problem = addressProblem(address, loopbackOnly);
        if (problem) {
          callback(new AddressRefusedError(problem), []);
          return;
        }
      }
      const [first] = addresses;
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
    });
  };
}
