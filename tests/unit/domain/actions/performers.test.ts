import { describe, expect, it } from "vitest";
import { performEcho } from "~/domain/actions/echo";
import {
  collectUserErrors,
  parseShopifyOptions,
  performShopify,
  throttleWaitMs,
  type AdminGraphqlFn,
} from "~/domain/actions/shopify";
import { MAX_ATTEMPTS, nextRetryDelayMs } from "~/domain/actions/backoff";
import { MAX_EVENT_DEPTH, parseEventOptions, performEventAction } from "~/domain/actions/event";
import { performAction } from "~/domain/actions";

describe("echo", () => {
  it("returns its options as the result", () => {
    expect(performEcho({ foo: "bar", n: 12345678901234567890n })).toEqual({
      ok: true,
      result: { foo: "bar", n: 12345678901234567890n },
    });
    expect(performEcho("text")).toEqual({ ok: true, result: "text" });
    expect(performEcho(undefined)).toEqual({ ok: true, result: null });
  });
  it("fails on __error, with its message when it is a string", () => {
    const forced = performEcho({ __error: true, a: 1 });
    expect(forced.ok).toBe(false);
    expect(forced.ok === false && forced.retryable).toBe(false);
    const message = performEcho({ __error: "boom" });
    expect(message.ok === false && message.error).toBe("boom");
    expect(performEcho({ __error: false }).ok).toBe(true);
  });
});

describe("shopify", () => {
  const respond =
    (status: number, body: unknown): AdminGraphqlFn =>
    async () => ({ status, body });

  it("accepts a string or { query, variables } and refuses anything else", () => {
    expect(parseShopifyOptions("mutation { x }")).toEqual({ query: "mutation { x }" });
    expect(parseShopifyOptions({ query: "q", variables: { a: 1 } })).toEqual({ query: "q", variables: { a: 1 } });
    expect(parseShopifyOptions(["update", ["order", 1], {}])).toHaveProperty("error");
    expect(parseShopifyOptions(42)).toHaveProperty("error");
    expect(parseShopifyOptions({ query: "" })).toHaveProperty("error");
    expect(parseShopifyOptions({ query: "q", variables: [1] })).toHaveProperty("error");
    expect(parseShopifyOptions("x".repeat(50_001))).toHaveProperty("error");
  });

  it("passes query and variables through and records the data", async () => {
    let seen: unknown[] = [];
    const outcome = await performShopify(
      { query: "mutation M($id: ID!) { a(id: $id) { id } }", variables: { id: "gid://x/1" } },
      async (q, v) => {
        seen = [q, v];
        return { status: 200, body: { data: { a: { id: "gid://x/1", userErrors: [] } } } };
      },
    );
    expect(seen).toEqual(["mutation M($id: ID!) { a(id: $id) { id } }", { id: "gid://x/1" }]);
    expect(outcome).toEqual({ ok: true, result: { a: { id: "gid://x/1", userErrors: [] } } });
  });

  it("fails with userErrors found anywhere in the data", async () => {
    const body = {
      data: {
        metafieldsSet: {
          metafields: [],
          userErrors: [{ field: ["metafields", "0", "value"], message: "Value is invalid" }],
        },
      },
    };
    const outcome = await performShopify("mutation { metafieldsSet }", respond(200, body));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.retryable).toBe(false);
      expect(outcome.error).toContain("metafields.0.value: Value is invalid");
    }
    expect(collectUserErrors({ a: [{ b: { userErrors: [{ message: "deep" }] } }] })).toEqual(["deep"]);
  });

  it("fails permanently on GraphQL errors and 4xx", async () => {
    const gql = await performShopify("{ nope }", respond(200, { errors: [{ message: "Field 'nope' doesn't exist" }] }));
    expect(gql.ok === false && !gql.retryable && gql.error).toContain("Field 'nope' doesn't exist");
    const unauthorized = await performShopify("{ shop { name } }", respond(401, { errors: "Invalid API key" }));
    expect(unauthorized.ok === false && !unauthorized.retryable && unauthorized.error).toContain("HTTP 401");
  });

  it("treats THROTTLED, 429, 5xx and network errors as transient", async () => {
    const throttledBody = {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
      extensions: {
        cost: {
          requestedQueryCost: 110,
          throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 50 },
        },
      },
    };
    const throttled = await performShopify("mutation { x }", respond(200, throttledBody));
    expect(throttled).toMatchObject({ ok: false, retryable: true, throttled: true, retryAfterMs: 2000 });
    expect((await performShopify("q", respond(429, {}))).ok === false).toBe(true);
    expect(await performShopify("q", respond(502, "bad gateway"))).toMatchObject({ ok: false, retryable: true });
    expect(
      await performShopify("q", async () => {
        throw new Error("ECONNREFUSED");
      }),
    ).toMatchObject({ ok: false, retryable: true });
  });

  it("computes the throttle wait from the cost bucket", () => {
    const body = (need: number, available: number, rate: number) => ({
      extensions: {
        cost: { requestedQueryCost: need, throttleStatus: { currentlyAvailable: available, restoreRate: rate } },
      },
    });
    expect(throttleWaitMs(body(500, 0, 50))).toBe(10_000);
    expect(throttleWaitMs(body(10, 100, 50))).toBe(250); // a floor, never zero
    expect(throttleWaitMs({})).toBe(1000); // no cost information
  });
});

describe("backoff", () => {
  it("follows ~30 s, 1 min, 2.5 min, 5 min and then gives up", () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => nextRetryDelayMs(n, 30_000, mid))).toEqual([30_000, 60_000, 150_000, 300_000]);
    expect(nextRetryDelayMs(MAX_ATTEMPTS, 30_000, mid)).toBeNull();
  });
  it("adds +-20% jitter and honours a server's minimum", () => {
    expect(nextRetryDelayMs(1, 1000, () => 0)).toBe(800);
    expect(nextRetryDelayMs(1, 1000, () => 1)).toBe(1200);
    expect(nextRetryDelayMs(1, 1000, () => 0.5, 5000)).toBe(5000);
  });
});

describe("event action", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  it("validates the topic, run_at and task ids", () => {
    expect(parseEventOptions({ topic: "shopify/orders/create", data: {} }, now)).toHaveProperty("error");
    expect(parseEventOptions({ topic: "user/Foo/bar" }, now)).toHaveProperty("error");
    expect(parseEventOptions("user/a/b", now)).toHaveProperty("error");
    expect(parseEventOptions({ topic: "user/a/b", run_at: "not a date" }, now)).toHaveProperty("error");
    expect(parseEventOptions({ topic: "user/a/b", task_ids: [] }, now)).toHaveProperty("error");
    expect(parseEventOptions({ topic: "user/a/b", task_id: 5 }, now)).toHaveProperty("error");
    expect(parseEventOptions({ topic: "user/a/b", data: { x: 1 }, run_at: 1767225660, task_id: "t1" }, now)).toEqual({
      topic: "user/a/b",
      data: { x: 1 },
      runAt: new Date("2026-01-01T00:01:00Z"),
      taskIds: ["t1"],
    });
    // a past run_at runs immediately
    expect(parseEventOptions({ topic: "user/a/b", run_at: "2020-01-01T00:00:00Z" }, now)).toMatchObject({
      runAt: null,
      data: null,
    });
  });
  it("refuses to go deeper than the depth limit", async () => {
    const created: unknown[] = [];
    const create = async (spec: unknown) => {
      created.push(spec);
      return { id: "e1" };
    };
    const ok = await performEventAction({ topic: "user/a/b", data: 1 }, { depth: MAX_EVENT_DEPTH - 1, now }, create);
    expect(ok).toMatchObject({ ok: true, result: { event_id: "e1" } });
    expect(created[0]).toMatchObject({ depth: MAX_EVENT_DEPTH });
    const refused = await performEventAction({ topic: "user/a/b", data: 1 }, { depth: MAX_EVENT_DEPTH, now }, create);
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(created).toHaveLength(1);
  });
});

describe("dispatch", () => {
  it("refuses unknown action types with the supported list", async () => {
    const outcome = await performAction("files", {}, {} as never);
    expect(outcome.ok === false && outcome.error).toMatch(/not supported.*echo, shopify, http, event, cache, email/);
  });
});
