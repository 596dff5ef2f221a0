import { describe, expect, it } from "vitest";
import { CACHE_MAX_TTL_SECONDS, parseCacheCommand, performCache, type CacheStore } from "~/domain/actions/cache";
import { isRefusedAddress, refusalReason } from "~/domain/actions/address-policy";

describe("cache command parsing", () => {
  it("reads every positional command", () => {
    expect(parseCacheCommand(["set", "k", { a: 1 }])).toEqual({
      op: "set",
      key: "k",
      valueJson: '{"a":1}',
      ttlSeconds: CACHE_MAX_TTL_SECONDS,
    });
    expect(parseCacheCommand(["setex", "k", 60, "v"])).toEqual({
      op: "set",
      key: "k",
      valueJson: '"v"',
      ttlSeconds: 60,
    });
    expect(parseCacheCommand(["del", "k"])).toEqual({ op: "del", key: "k" });
    expect(parseCacheCommand(["incr", "k"])).toMatchObject({ op: "incrby", by: 1n });
    expect(parseCacheCommand(["decr", "k"])).toMatchObject({ op: "incrby", by: -1n });
    expect(parseCacheCommand(["incrby", "k", 5])).toMatchObject({ op: "incrby", by: 5n });
    expect(parseCacheCommand(["decrby", "k", "7"])).toMatchObject({ op: "incrby", by: -7n });
  });
  it("reads the object form", () => {
    expect(parseCacheCommand({ incr: { key: "foo", ttl: 600 } })).toEqual({
      op: "incrby",
      key: "foo",
      by: 1n,
      ttlSeconds: 600,
    });
    expect(parseCacheCommand({ set: { key: "a/b.c:d-e_f", value: [1, 2] } })).toMatchObject({
      op: "set",
      valueJson: "[1,2]",
    });
    expect(parseCacheCommand({ decrby: { key: "k", decrement: 3 } })).toMatchObject({ by: -3n });
  });
  it("refuses bad keys, values, ttls, amounts and shapes with a reason", () => {
    const bad: unknown[] = [
      ["set", "has space", 1],
      ["set", "", 1],
      ["set", "k"],
      ["setex", "k", -1, 1],
      ["setex", "k", 1.5, 1],
      ["incrby", "k", 1.5],
      ["incrby", "k", "abc"],
      ["flushall"],
      ["set", "k", "x".repeat(256 * 1024)],
      { set: { key: "k" } },
      { set: { key: "k", value: 1 }, del: { key: "k" } },
      "set k v",
      ["set", "ключ", 1],
    ];
    for (const options of bad)
      expect(parseCacheCommand(options), JSON.stringify(options).slice(0, 60)).toHaveProperty("error");
  });
  it("clamps a TTL beyond 60 days to 60 days", () => {
    expect(parseCacheCommand(["setex", "k", CACHE_MAX_TTL_SECONDS * 2, 1])).toMatchObject({
      ttlSeconds: CACHE_MAX_TTL_SECONDS,
    });
  });
  it("performs against a store and reports permanent failures", async () => {
    const calls: unknown[] = [];
    const store: CacheStore = {
      set: async (...a) => void calls.push(["set", ...a]),
      del: async (k) => (calls.push(["del", k]), true),
      incrBy: async (k, by) => (calls.push(["incrBy", k, by]), 41n + by),
    };
    expect(await performCache(["incr", "n"], store)).toEqual({
      ok: true,
      result: { command: "incrby", key: "n", value: 42, ttl: CACHE_MAX_TTL_SECONDS },
    });
    expect(await performCache(["bogus"], store)).toMatchObject({ ok: false, retryable: false });
    expect(calls).toEqual([["incrBy", "n", 1n]]);
  });
});

describe("address policy", () => {
  it("refuses loopback, private, link-local, metadata and reserved addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fd00:ec2::254",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "224.0.0.1",
    ]) {
      expect(isRefusedAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
      expect(isRefusedAddress(address), address).toBe(false);
  });
  it("allows private addresses only when the operator says so", () => {
    const strict = { allowPrivate: false, allowedHosts: [] };
    expect(refusalReason("example.test", "127.0.0.1", strict)).toMatch(/refusing/);
    expect(refusalReason("localhost", "93.184.216.34", strict)).toMatch(/refusing/);
    expect(refusalReason("example.test", "127.0.0.1", { allowPrivate: true, allowedHosts: [] })).toBeNull();
    const listed = { allowPrivate: false, allowedHosts: ["store.local", "127.0.0.1"] };
    expect(refusalReason("store.local", "10.0.0.5", listed)).toBeNull();
    expect(refusalReason("127.0.0.1", "127.0.0.1", listed)).toBeNull();
    expect(refusalReason("other.local", "10.0.0.5", listed)).toMatch(/refusing/);
  });
});
