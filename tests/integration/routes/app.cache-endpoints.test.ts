// The cache endpoints screen's loader and action, called the way App Bridge does (Bearer session
// token), against the real database: create (validated), list with value status, delete, and
// shops kept apart.
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, asData, call, getRequest, postRequest, seedSession, statusOf } from "./support";
import prisma from "~/data/db.server";
import { cacheStoreFor } from "~/data/cache.server";

let route: typeof import("~/routes/app.cache-endpoints");

beforeAll(async () => {
  route = await import("~/routes/app.cache-endpoints");
  await seedSession(SHOP_A);
  await seedSession(SHOP_B);
});

const PATH = "/app/cache-endpoints";

describe("cache endpoints screen", () => {
  it("creates an endpoint for a valid key and lists it with its URL and value status", async () => {
    const created = asData(
      await call(route.action, postRequest(SHOP_A, PATH, { intent: "create", key: " screen/key " })),
    );
    expect(created).toMatchObject({ intent: "create", ok: true, toast: "Endpoint created for screen/key" });

    let listed = asData(await call(route.loader, getRequest(SHOP_A, PATH))).endpoints;
    const endpoint = listed.find((e) => e.key === "screen/key")!;
    expect(endpoint.url).toBe(`${process.env.SHOPIFY_APP_URL}/cache/${endpoint.id}`);
    expect(endpoint.valueExpiresAt).toBeNull();

    await cacheStoreFor(SHOP_A, prisma).set("screen/key", '"v"', 600);
    listed = asData(await call(route.loader, getRequest(SHOP_A, PATH))).endpoints;
    expect(listed.find((e) => e.id === endpoint.id)!.valueExpiresAt).not.toBeNull();
  });

  it("refuses an invalid key with a message and keeps what was typed", async () => {
    const refused = asData(await call(route.action, postRequest(SHOP_A, PATH, { intent: "create", key: "no spaces" })));
    expect(refused).toMatchObject({ intent: "create", ok: false, key: "no spaces", toastError: true });
    expect(refused.ok === false && "error" in refused && refused.error).toMatch(/only contain/);
    const empty = asData(await call(route.action, postRequest(SHOP_A, PATH, { intent: "create", key: "" })));
    expect(empty.ok).toBe(false);
  });

  it("keeps shops apart: another shop neither sees nor deletes the endpoint", async () => {
    asData(await call(route.action, postRequest(SHOP_A, PATH, { intent: "create", key: "private" })));
    const mine = asData(await call(route.loader, getRequest(SHOP_A, PATH))).endpoints.find((e) => e.key === "private")!;
    const theirs = asData(await call(route.loader, getRequest(SHOP_B, PATH))).endpoints;
    expect(theirs.find((e) => e.id === mine.id)).toBeUndefined();

    const denied = asData(await call(route.action, postRequest(SHOP_B, PATH, { intent: "delete", id: mine.id })));
    expect(denied).toMatchObject({ ok: false, toastError: true });
    expect(await prisma.cacheEndpoint.count({ where: { id: mine.id } })).toBe(1);

    const deleted = asData(await call(route.action, postRequest(SHOP_A, PATH, { intent: "delete", id: mine.id })));
    expect(deleted).toMatchObject({ ok: true });
    expect(await prisma.cacheEndpoint.count({ where: { id: mine.id } })).toBe(0);
  });

  it("answers 400 for an unknown intent and refuses requests without a session token", async () => {
    expect(statusOf(await call(route.action, postRequest(SHOP_A, PATH, { intent: "explode" })))).toBe(400);
    const anonymous = await call(route.loader, new Request(`${process.env.SHOPIFY_APP_URL}${PATH}`));
    expect(anonymous).toBeInstanceOf(Response);
    expect([302, 401, 410]).toContain((anonymous as Response).status);
  });
});
