// Injected faults (issue 16's fault tests): for a while the Admin API answers 5xx with Shopify's
// internal-error body, or THROTTLED from an emptied bucket, then works again; set over /_local/faults.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_SHOP, graphql, localStoreForFile } from "./helpers";

let clock = 1_800_000_000_000;
const ctx = localStoreForFile({ now: () => clock });

const SET_METAFIELD = `mutation Set($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key value } userErrors { field message } }
}`;

function setFault(body: unknown, method = "POST") {
  return fetch(`${ctx.url}/_local/faults`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: method === "POST" ? JSON.stringify(body) : undefined,
  });
}

async function writeMetafield(key: string) {
  const customer = ctx.store.state.listCustomers(DEMO_SHOP)[0]!;
  return graphql(ctx, SET_METAFIELD, {
    metafields: [
      {
        ownerId: `gid://shopify/Customer/${customer.id}`,
        namespace: "faults",
        key,
        type: "single_line_text_field",
        value: key,
      },
    ],
  });
}

async function writeCounts(): Promise<Record<string, number>> {
  const response = await fetch(`${ctx.url}/_local/shops/${DEMO_SHOP}/metafield-writes?namespace=faults`);
  return ((await response.json()) as { writes: Record<string, number> }).writes;
}

beforeEach(() => {
  ctx.store.reset();
});

describe("local store faults", () => {
  it("answers 5xx with Shopify's internal-error body and performs nothing, until the time is up", async () => {
    const set = await setFault({ mode: "5xx", forMs: 10_000, status: 502 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ mode: "5xx", status: 502 });

    const failed = await writeMetafield("during-5xx");
    expect(failed.status).toBe(502);
    const error = (
      failed.body as unknown as { errors: { message: string; extensions: { code: string; requestId: string } }[] }
    ).errors[0]!;
    expect(error.extensions.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.message).toContain(error.extensions.requestId);
    expect(await writeCounts()).toEqual({});

    clock += 10_000;
    const after = await writeMetafield("after-5xx");
    expect(after.status).toBe(200);
    expect(after.body.data?.metafieldsSet.userErrors).toEqual([]);
    expect(Object.values(await writeCounts())).toEqual([1]);
    const status = await (await fetch(`${ctx.url}/_local/faults`)).json();
    expect(status).toMatchObject({ mode: null, injected: { serverErrors: 1 } });
  });

  it("answers THROTTLED (HTTP 200, the cost extension with an empty bucket) while throttling", async () => {
    await setFault({ mode: "throttle", forMs: 5_000 });
    const throttled = await writeMetafield("during-throttle");
    expect(throttled.status).toBe(200);
    expect(throttled.body.data ?? null).toBeNull();
    expect(throttled.body.errors?.[0]?.extensions.code).toBe("THROTTLED");
    expect(throttled.body.extensions.cost.actualQueryCost).toBeNull();
    expect(throttled.body.extensions.cost.throttleStatus).toMatchObject({ currentlyAvailable: 0, restoreRate: 50 });
    expect(await writeCounts()).toEqual({});

    // The bucket refills as time passes, but the fault holds it empty until it ends.
    clock += 4_000;
    expect((await writeMetafield("still-throttled")).body.errors?.[0]?.extensions.code).toBe("THROTTLED");
    clock += 1_000;
    const after = await writeMetafield("after-throttle");
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data?.metafieldsSet.metafields[0].value).toBe("after-throttle");
    expect(await (await fetch(`${ctx.url}/_local/faults`)).json()).toMatchObject({ injected: { throttled: 2 } });
  });

  it("ends a fault on DELETE or mode none, and counts each metafieldsSet write", async () => {
    await setFault({ mode: "5xx", forMs: 60_000 });
    expect((await setFault(null, "DELETE")).status).toBe(200);
    await writeMetafield("again");
    await writeMetafield("again");
    await setFault({ mode: "throttle", forMs: 60_000 });
    expect(await (await setFault({ mode: "none" })).json()).toMatchObject({ mode: null });
    await writeMetafield("other");
    const customer = ctx.store.state.listCustomers(DEMO_SHOP)[0]!;
    expect(await writeCounts()).toEqual({
      [`gid://shopify/Customer/${customer.id}|faults|again`]: 2,
      [`gid://shopify/Customer/${customer.id}|faults|other`]: 1,
    });
  });

  it("refuses a fault it cannot honour with the reason", async () => {
    const cases: [unknown, RegExp][] = [
      [{ mode: "timeout", forMs: 1000 }, /mode must be/],
      [{ mode: "5xx" }, /forMs must be/],
      [{ mode: "5xx", forMs: 11 * 60_000 }, /at most 600000/],
      [{ mode: "5xx", forMs: 1000, status: 429 }, /500 to 599/],
      [{ mode: "throttle", forMs: 1000, status: 503 }, /5xx fault only/],
    ];
    for (const [body, reason] of cases) {
      const response = await setFault(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(reason);
    }
    expect(await (await fetch(`${ctx.url}/_local/faults`)).json()).toMatchObject({ mode: null });
  });
});
