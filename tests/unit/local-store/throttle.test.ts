// Cost-based throttling like Shopify's: requested vs actual cost, a leaky bucket per shop,
// THROTTLED when the bucket is short, MAX_COST_EXCEEDED for a single query over the limit.
import { describe, expect, it } from "vitest";
import {
  createLocalStore,
  DEFAULT_BUCKET_SIZE,
  DEFAULT_RESTORE_RATE,
  LeakyBucket,
  RATE_LIMITS_DOCUMENTATION,
} from "~/local-store";
import { API_KEY, API_SECRET, DEMO_SHOP, OTHER_SHOP, graphql, sleep, localStoreForFile } from "./helpers";

const SET_ONE = `mutation { metafieldsSet(metafields: [{ ownerId: "gid://shopify/Customer/1001", namespace: "loyalty", key: "points", type: "number_integer", value: "1" }]) { userErrors { code } } }`;

describe("query cost", () => {
  let clock = Date.UTC(2025, 5, 1);
  const ctx = localStoreForFile({ now: () => clock });

  it("charges the requested cost up front and refunds down to the actual cost", async () => {
    ctx.store.reset();
    const { body } = await graphql(
      ctx,
      `
        {
          customers(first: 10) {
            nodes {
              id
            }
          }
        }
      `,
    );
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 12, // connection 2 + first (10) x 1 object
      actualQueryCost: 7, // 2 + the 5 customers that exist
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 993, restoreRate: 50 },
    });
  });

  it("costs objects 1, scalars 0, nested connections by page size, mutations 10", async () => {
    ctx.store.reset();
    const shop = await graphql(
      ctx,
      `
        {
          shop {
            name
            primaryDomain {
              host
            }
          }
        }
      `,
    );
    expect(shop.body.extensions.cost.requestedQueryCost).toBe(2);
    const nested = await graphql(
      ctx,
      `
        {
          customers(first: 5) {
            edges {
              cursor
              node {
                id
                metafields(first: 10) {
                  nodes {
                    id
                  }
                }
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
    );
    expect(nested.body.extensions.cost.requestedQueryCost).toBe(2 + 5 * (1 + 2 + 10));
    expect(nested.body.extensions.cost.actualQueryCost).toBe(2 + 5 * (1 + 2));
    const mutation = await graphql(ctx, SET_ONE);
    expect(mutation.body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("restores points at restoreRate per second, up to the bucket size", async () => {
    ctx.store.reset();
    const first = await graphql(ctx, SET_ONE);
    expect(first.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(990);
    clock += 100; // +5 points at 50/s
    const second = await graphql(
      ctx,
      `
        {
          shop {
            name
          }
        }
      `,
    );
    expect(second.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(995 - 1);
    clock += 60_000;
    const third = await graphql(
      ctx,
      `
        {
          shop {
            name
          }
        }
      `,
    );
    expect(third.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(999);
  });

  it("keeps one bucket per shop", async () => {
    ctx.store.reset();
    await graphql(ctx, SET_ONE);
    const other = await graphql(
      ctx,
      `
        {
          shop {
            name
          }
        }
      `,
      undefined,
      { shop: OTHER_SHOP },
    );
    expect(other.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(999);
  });

  it("refuses a query whose requested cost is over 1000 with MAX_COST_EXCEEDED, charging nothing", async () => {
    ctx.store.reset();
    const { status, body } = await graphql(
      ctx,
      `
        {
          customers(first: 250) {
            nodes {
              metafields(first: 250) {
                nodes {
                  id
                }
              }
            }
          }
        }
      `,
    );
    const expectedCost = 2 + 250 * (1 + 2 + 250);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0].message).toMatch(
      new RegExp(`^Query cost is ${expectedCost}, which exceeds the single query max cost limit \\(1000\\)`),
    );
    expect(body.errors?.[0].extensions).toEqual({
      code: "MAX_COST_EXCEEDED",
      cost: expectedCost,
      maxCost: 1000,
      documentation: RATE_LIMITS_DOCUMENTATION,
    });
    expect(body.extensions.cost.requestedQueryCost).toBe(expectedCost);
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBe(1000);
  });
});

describe("throttling with a tight bucket", () => {
  // 5 points/s: the third mutation below is throttled unless a whole second passed since the
  // first, which keeps the test steady on a busy machine.
  const ctx = localStoreForFile({ bucketSize: 25, restoreRate: 5 });

  it("answers THROTTLED when the bucket is short, then serves again once it has restored", async () => {
    ctx.store.reset();
    expect((await graphql(ctx, SET_ONE)).body.errors).toBeUndefined(); // 25 -> 15
    expect((await graphql(ctx, SET_ONE)).body.errors).toBeUndefined(); // 15 -> 5
    const throttled = await graphql(ctx, SET_ONE);
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([
      { message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOCUMENTATION } },
    ]);
    expect(throttled.body.extensions.cost.requestedQueryCost).toBe(10);
    expect(throttled.body.extensions.cost.actualQueryCost).toBeNull();
    expect(throttled.body.extensions.cost.throttleStatus.maximumAvailable).toBe(25);
    expect(throttled.body.extensions.cost.throttleStatus.restoreRate).toBe(5);
    expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(10);
    // A cheap query still fits.
    expect(
      (
        await graphql(
          ctx,
          `
            {
              shop {
                name
              }
            }
          `,
        )
      ).body.errors,
    ).toBeUndefined();

    // Under 10 points left: wait for the bucket to leak back (at 5/s that takes up to 2 s).
    const startedWaiting = Date.now();
    let restored = await graphql(ctx, SET_ONE);
    while (restored.body.errors?.[0]?.extensions.code === "THROTTLED" && Date.now() - startedWaiting < 5000) {
      await sleep(100);
      restored = await graphql(ctx, SET_ONE);
    }
    expect(restored.body.errors).toBeUndefined();
    expect(Date.now() - startedWaiting).toBeGreaterThan(300);
    expect(restored.body.data?.metafieldsSet.userErrors).toEqual([]);
  });

  it("is back to a full bucket after /_local/reset", async () => {
    await graphql(ctx, SET_ONE);
    await graphql(ctx, SET_ONE);
    const response = await fetch(`${ctx.url}/_local/reset`, { method: "POST" });
    expect(response.status).toBe(200);
    const after = await graphql(
      ctx,
      `
        {
          shop {
            name
          }
        }
      `,
    );
    expect(after.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(24);
  });
});

describe("throttle configuration", () => {
  // scripts/local-store.ts passes LOCAL_STORE_BUCKET_SIZE and LOCAL_STORE_RESTORE_RATE from the app's
  // configuration (validated in tests/unit/config.server.test.ts); the store itself reads no environment.
  it("takes its bucket size and restore rate from options", () => {
    const store = createLocalStore({ apiKey: API_KEY, apiSecret: API_SECRET, bucketSize: 40, restoreRate: 7.5 });
    expect(store.throttle.bucket(DEMO_SHOP).status()).toEqual({
      maximumAvailable: 40,
      currentlyAvailable: 40,
      restoreRate: 7.5,
    });
  });

  it("defaults to Shopify's standard bucket", () => {
    const store = createLocalStore({ apiKey: API_KEY, apiSecret: API_SECRET });
    expect(store.throttle.bucket(DEMO_SHOP).status()).toMatchObject({
      maximumAvailable: DEFAULT_BUCKET_SIZE,
      restoreRate: DEFAULT_RESTORE_RATE,
    });
  });
});

describe("LeakyBucket", () => {
  it("takes, refuses, refunds and refills without exceeding its size", () => {
    let now = 0;
    const bucket = new LeakyBucket(10, 2, () => now);
    expect(bucket.tryTake(8)).toBe(true);
    expect(bucket.tryTake(3)).toBe(false);
    expect(bucket.status().currentlyAvailable).toBe(2);
    bucket.refund(3);
    expect(bucket.status().currentlyAvailable).toBe(5);
    now += 1500; // +3
    expect(bucket.status().currentlyAvailable).toBe(8);
    now += 60_000;
    bucket.refund(50);
    expect(bucket.status().currentlyAvailable).toBe(10);
  });
});
