// IPv6 addresses that carry an IPv4 address are judged by that IPv4 address, in every form a URL
// can spell them (the WHATWG URL parser turns "[::ffff:127.0.0.1]" into "[::ffff:7f00:1]").
import { describe, expect, it } from "vitest";
import { embeddedIpv4, ipv6Groups, isRefusedAddress } from "~/domain/actions/address-policy";
import { performHttp } from "~/domain/actions/http";

describe("IPv6 forms of IPv4 addresses", () => {
  it("parses every textual IPv6 form into groups", () => {
    expect(ipv6Groups("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Groups("0:0:0:0:0:FFFF:7F00:0001")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(ipv6Groups("64:ff9b::")).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Groups("127.0.0.1")).toBeNull();
    expect(ipv6Groups("not an address")).toBeNull();
  });

  it("finds the IPv4 address inside mapped, compatible, translated, NAT64, 6to4 and Teredo forms", () => {
    const cases: [string, string | null][] = [
      ["::ffff:127.0.0.1", "127.0.0.1"],
      ["::ffff:7f00:1", "127.0.0.1"],
      ["0:0:0:0:0:ffff:a00:1", "10.0.0.1"],
      ["::7f00:1", "127.0.0.1"],
      ["::127.0.0.1", "127.0.0.1"],
      ["::ffff:0:7f00:1", "127.0.0.1"],
      ["64:ff9b::7f00:1", "127.0.0.1"],
      ["64:ff9b::127.0.0.1", "127.0.0.1"],
      ["64:ff9b::a9fe:a9fe", "169.254.169.254"],
      ["2002:7f00:1::", "127.0.0.1"],
      ["2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"],
      ["::1", null],
      ["::", null],
      ["2606:4700:4700::1111", null],
    ];
    for (const [address, ipv4] of cases) expect(embeddedIpv4(address), address).toBe(ipv4);
  });

  it("refuses every form of a refused IPv4 address and allows public ones", () => {
    for (const address of [
      "::ffff:7f00:1",
      "[::ffff:7f00:1]",
      "64:ff9b::7f00:1",
      "[64:ff9b::7f00:1]",
      "::7f00:1",
      "::ffff:0:a00:1",
      "64:ff9b::a9fe:a9fe", // the metadata service through NAT64
      "64:ff9b:1::abcd:1", // local-use NAT64
      "2002:c0a8:101::1", // 6to4 of 192.168.1.1
      "fec0::1",
    ]) {
      expect(isRefusedAddress(address), address).toBe(true);
    }
    for (const address of ["64:ff9b::808:808", "::ffff:808:808", "2002:808:808::1", "2606:4700:4700::1111"]) {
      expect(isRefusedAddress(address), address).toBe(false);
    }
  });

  it("the http action refuses such URLs before connecting", async () => {
    const strict = { policy: { allowPrivate: false, allowedHosts: [] } };
    for (const url of [
      "http://[::ffff:127.0.0.1]:9/",
      "http://[::ffff:7f00:1]:9/",
      "http://[64:ff9b::7f00:1]:9/",
      "http://[::7f00:1]:9/",
      "http://[::127.0.0.1]:9/",
    ]) {
      const outcome = await performHttp({ method: "get", url }, strict);
      expect(outcome, url).toMatchObject({ ok: false, retryable: false });
      expect(outcome.ok === false && outcome.error, url).toMatch(/refusing to reach/);
    }
  });
});
