// Which address a join counts against: the socket's, IPv6 by /64, and X-Forwarded-For only from a
// trusted proxy (its right-most hop that is not itself a trusted proxy).
import { describe, expect, it } from 'vitest';
import { clientAddress, groupKey, normalizeIp, parseTrustedProxies } from '../../proxy/study/client-address.ts';

const none = parseTrustedProxies([]);
const proxies = parseTrustedProxies(['127.0.0.1', '::1', '10.0.0.0/8', 'fd00::/8']);

describe('client address for the join limit', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['unknown', null],
    ['1.2.3.4.5', null],
    ['', null],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normalizeIp(raw)).toBe(expected);
  });

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::a', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
  ])('groups %s as %s', (address, key) => {
    expect(groupKey(address)).toBe(key);
  });

  it.each([
    ['no header', '198.51.100.1', undefined, none, '198.51.100.1'],
    ['header ignored by default', '127.0.0.1', '198.51.100.1', none, '127.0.0.1'],
    ['header ignored from an untrusted socket', '198.51.100.9', '198.51.100.1', proxies, '198.51.100.9'],
    ['trusted proxy: the hop it added', '127.0.0.1', '198.51.100.1', proxies, '198.51.100.1'],
    ['spoofed hops left of the real one are ignored', '127.0.0.1', '1.1.1.1, 2.2.2.2, 198.51.100.1', proxies, '198.51.100.1'],
    ['trusted hops are skipped from the right', '127.0.0.1', '1.1.1.1, 198.51.100.1, 10.0.0.5, 10.0.0.6', proxies, '198.51.100.1'],
    ['a trusted proxy on a dual-stack socket', '::ffff:127.0.0.1', '198.51.100.1', proxies, '198.51.100.1'],
    ['a hop with a port', '127.0.0.1', '198.51.100.1:4711', proxies, '198.51.100.1'],
    ['an IPv6 hop in brackets, grouped', '::1', '[2001:db8:5:6::9]:443', proxies, '2001:db8:5:6::/64'],
    ['only trusted hops: the left-most', '127.0.0.1', '10.0.0.2, 10.0.0.3', proxies, '10.0.0.2'],
    ['garbage hop: counted against the proxy that passed it on', '127.0.0.1', 'nonsense, 10.0.0.4', proxies, '10.0.0.4'],
    ['no socket address', undefined, '198.51.100.1', proxies, 'unknown'],
  ])('%s', (_, socket, forwardedFor, trusted, expected) => {
    expect(clientAddress(socket, forwardedFor, trusted)).toBe(expected);
  });

  it.each([['10.0.0.0/33'], ['10.0.0'], ['proxy.local'], ['::1/129']])('refuses the trusted proxy %j', (entry) => {
    expect(() => parseTrustedProxies([entry])).toThrow(JSON.stringify(entry));
  });
});
