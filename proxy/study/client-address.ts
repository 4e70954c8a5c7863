// Who is asking, for the per-address join limit: the socket's remote address, grouped so that one
// host cannot dodge the limit by changing addresses (IPv6 by /64, the block one home or phone is
// given; IPv4-mapped IPv6 as its IPv4). X-Forwarded-For is read only when the socket address is a
// proxy the operator named (UNSPUN_STUDY_TRUSTED_PROXIES), and then only its right-most address
// that is not itself a trusted proxy: everything left of that the client could have written.
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  /** The entries as configured (IP addresses and CIDR ranges), for messages. */
  readonly entries: readonly string[];
  has(address: string): boolean;
}

/** Parses `10.0.0.1, 10.1.0.0/16, ::1` into a set of proxies; throws naming the first bad entry. */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry);
    const address = match ? normalizeIp(match[1]!) : null;
    if (address === null) throw new Error(`${JSON.stringify(entry)} is not an IP address or a CIDR range such as 10.0.0.0/8`);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (match![2] === undefined) list.addAddress(address, family);
    else {
      const prefix = Number(match![2]);
      if (prefix > (family === 'ipv4' ? 32 : 128)) throw new Error(`${JSON.stringify(entry)} has a prefix longer than the address`);
      list.addSubnet(address, prefix, family);
    }
  }
  return {
    entries: [...entries],
    has(address) {
      const ip = normalizeIp(address);
      return ip !== null && list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export const NO_TRUSTED_PROXIES: TrustedProxies = parseTrustedProxies([]);

/**
 * The address a request is limited by. `socketAddress` undefined (no socket: app.request() in
 * tests, or a socket already gone) groups such requests under one key rather than letting them pass.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  let client = socketAddress === undefined ? null : normalizeIp(socketAddress);
  if (client === null) return 'unknown';
  if (forwardedFor !== undefined && trusted.has(client)) {
    // Right to left: each hop was appended by the proxy to its right; stop at the first hop we do
    // not trust. A hop that is not an address (a misconfigured proxy) stops the walk too, and the
    // request counts against the last trusted proxy that vouched for it.
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalizeIp(stripPort(hops[i]!.trim()));
      if (hop === null) break;
      client = hop;
      if (!trusted.has(hop)) break;
    }
  }
  return groupKey(client);
}

/** The rate-limit key of a normalised address: IPv4 as is, IPv6 as its /64. */
export function groupKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** An IP address without zone id or brackets, IPv4-mapped IPv6 as IPv4; null when not an IP. */
export function normalizeIp(raw: string): string | null {
  let value = raw.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  value = value.replace(/%[^%]*$/, '');
  const family = isIP(value);
  if (family === 0) return null;
  if (family === 4) return value;
  const groups = expandIpv6(value);
  if (groups.slice(0, 6).join(',') === '0,0,0,0,0,65535') return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  return value.toLowerCase();
}

/** `1.2.3.4:5678` and `[2001:db8::1]:443` (some proxies add the port) to the bare address. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing IPv4 as two groups). */
function expandIpv6(address: string): number[] {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
