import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isPublicAddress, literalAddress, outboundUrlProblem } from '../../src/address-policy.ts';

describe('isPublicAddress', () => {
  it.each([
    // IPv4: loopback, "this network", RFC 1918, CGNAT, link-local and metadata
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.5',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '192.168.255.255',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.0.1',
    '169.254.169.254',
    // IETF, documentation, benchmarking, 6to4 relay, multicast, reserved, broadcast
    '192.0.0.8',
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    '198.18.0.1',
    '198.19.255.255',
    '192.88.99.1',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    // IPv6: unspecified, loopback, link-local, unique-local, metadata, site-local, multicast, discard, documentation
    '::',
    '::1',
    '0:0:0:0:0:0:0:1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fd12:3456::1',
    'fd00:ec2::254',
    'FD00:EC2::254',
    'fec0::1',
    'ff02::1',
    'ff05::1:3',
    '100::1',
    '2001:db8::1',
    '3fff::1',
    '2001::1',
    '2001:0:4136:e378::1',
    '2001:2::1',
    '2001:10::1',
    // IPv4-mapped and -compatible forms
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:7F00:0001',
    '0:0:0:0:0:ffff:7f00:1',
    '::ffff:10.0.0.5',
    '::ffff:a00:5',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::ffff:192.168.1.1',
    '::127.0.0.1',
    '::7f00:1',
    '::10.0.0.5',
    '::8.8.8.8',
    '::ffff:0:7f00:1',
    '::ffff:0:808:808',
    // NAT64 and 6to4 forms of private addresses
    '64:ff9b::127.0.0.1',
    '64:ff9b::a00:5',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::1',
    '2002:7f00:1::',
    '2002:a00:5::1',
    '2002:a9fe:a9fe::1',
    '2002:c0a8:101::1',
    // Not an IP address in canonical spelling (URL parsing normalises these first)
    '127.1',
    '0x7f.1',
    '2130706433',
    '0177.0.0.1',
    '127.0.0.1.',
    'localhost',
    '',
    'example.com',
    '1.2.3',
    '256.1.1.1',
    '::ffff:127.0.0.1.1',
    'fe80::1::1',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '192.167.255.255',
    '192.169.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '11.0.0.1',
    '126.255.255.255',
    '128.0.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81c::200e',
    '2001:4860:4860::8888',
    '2600::1',
    '3ffe::1',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('allows %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });

  it.each([
    ['https://127.1/', '127.0.0.1'],
    ['https://0x7f.1/', '127.0.0.1'],
    ['https://2130706433/', '127.0.0.1'],
    ['https://0177.0.0.1/', '127.0.0.1'],
    ['https://0x7f000001/', '127.0.0.1'],
    ['https://127.0.0.1./', '127.0.0.1'],
    ['https://012.0.0.5/', '10.0.0.5'],
    ['https://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
    ['https://2852039166/', '169.254.169.254'],
    ['https://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['https://[0:0:0:0:0:ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'],
    ['https://[::1]/', '::1'],
    ['https://[fd00:ec2::254]/', 'fd00:ec2::254'],
    ['https://[64:ff9b::10.0.0.5]/', '64:ff9b::a00:5'],
  ])('holds after URL normalisation: %s is %s, not public', (url, normalised) => {
    const ip = literalAddress(new URL(url));
    expect(ip).toBe(normalised);
    expect(isPublicAddress(ip!)).toBe(false);
  });

  it('tells loopback apart, for local runs', () => {
    for (const ip of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1'])
      expect(isLoopbackAddress(ip), ip).toBe(true);
    for (const ip of ['10.0.0.1', '::', '8.8.8.8', 'fe80::1', '::2', 'localhost'])
      expect(isLoopbackAddress(ip), ip).toBe(false);
  });
});

describe('outboundUrlProblem', () => {
  it('wants https, to a host that is not a non-public literal address, without credentials', () => {
    expect(outboundUrlProblem('https://hooks.example/in?x=1')).toBeUndefined();
    expect(outboundUrlProblem('https://8.8.8.8/')).toBeUndefined();
    expect(outboundUrlProblem('http://hooks.example/')).toBe('must be an https:// URL');
    expect(outboundUrlProblem('ftp://hooks.example/')).toBe('must be an https:// URL');
    expect(outboundUrlProblem('not a url')).toBe('is not a URL');
    expect(outboundUrlProblem('https://u:p@hooks.example/')).toBe('must not carry a user name or password');
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5/',
      'https://[::1]/',
      'https://127.1/',
      'https://[fe80::1]/',
      'https://0/',
    ]) {
      expect(outboundUrlProblem(url), url).toMatch(
        /^must not point at a private, loopback, link-local or reserved address/,
      );
    }
  });

  it('allows plain http and loopback to this machine only in a local run', () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost:8080/hook',
      'http://[::1]:8080/',
      'https://127.0.0.1/',
    ]) {
      expect(outboundUrlProblem(url), url).toBeDefined();
      expect(outboundUrlProblem(url, { allowLocal: true }), url).toBeUndefined();
    }
    expect(outboundUrlProblem('http://hooks.example/', { allowLocal: true })).toBe('must be an https:// URL');
    expect(outboundUrlProblem('http://10.0.0.5/', { allowLocal: true })).toBe('must be an https:// URL');
    expect(outboundUrlProblem('https://10.0.0.5/', { allowLocal: true })).toMatch(/private/);
  });
});
