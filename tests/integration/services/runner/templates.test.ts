// The shipped templates through the real runner: the metafield template against the local
// development store (through the app's own Admin API client and the shop's stored offline
// session), throttling in the store survived, and the Forward to a URL template's signature.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/data/db.server";
import { LOCAL_SHOP, loadConfig } from "~/config.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { findTaskTemplate } from "~/domain/tasks/templates";
import { draftToInput, createTask } from "~/data/tasks.server";
import { closeSharedQueues, startWorker, type StartedWorker } from "~/services/runner/worker.server";
import { countingServer, newEvent, runsOf, waitForEventDone } from "./helpers";
import { seedOfflineSession } from "../../../support/offline-session";

let store: LocalStore;
let worker: StartedWorker;
// The local store's shop is shared with other test files, which may add their own tasks to it:
// assertions look only at this file's task.
let metafieldTaskId = "";
const ownRuns = async (eventId: string) => (await runsOf(eventId)).filter((run) => run.taskId === metafieldTaskId);

beforeAll(async () => {
  // A tight bucket (100 points, 50/s) so a burst of metafield writes is throttled.
  store = createLocalStore({ bucketSize: 100, restoreRate: 50 });
  const url = await store.listen(0, "127.0.0.1");
  process.env.LOCAL_STORE_URL = url; // local mode: the worker's Admin API calls go to this store
  loadConfig();
  await seedOfflineSession(prisma, LOCAL_SHOP, store.offlineAccessToken(LOCAL_SHOP));
  worker = await startWorker({
    concurrency: 4,
    sweepIntervalMs: 0,
    log: () => {},
    overrides: { httpPolicy: { allowPrivate: true, allowedHosts: [] } },
  });
});

afterAll(async () => {
  await worker?.close();
  await closeSharedQueues();
  await store?.close();
});

describe("Set a customer metafield from a webhook (template) against the local store", () => {
  it("writes the posted value into the customer's metafield", async () => {
    const template = findTaskTemplate("customer-metafield")!;
    metafieldTaskId = (await createTask(LOCAL_SHOP, { ...draftToInput(template.draft), name: "Runner test metafield" }))
      .id;
    const customer = store.state.listCustomers(LOCAL_SHOP)[0];
    const id = await newEvent(LOCAL_SHOP, "user/customer/metafield", {
      customer_id: customer.id,
      value: { plan: "gold" },
    });
    const event = await waitForEventDone(id);
    const [taskRun] = await ownRuns(id);
    expect(taskRun.status, taskRun.errors ?? "").toBe("succeeded");
    expect(taskRun.actionRuns[0].type).toBe("shopify");
    expect(taskRun.actionRuns[0].status, taskRun.actionRuns[0].error ?? "").toBe("succeeded");
    expect(event.status).toBe("succeeded");
    const metafield = store.state.getMetafield(LOCAL_SHOP, customer.id, "hookline", "webhook_data");
    expect(metafield).not.toBeNull();
    expect(JSON.parse(metafield!.value)).toEqual({ plan: "gold" });
  });

  it("a customer that does not exist fails the action with the store's userErrors", async () => {
    const id = await newEvent(LOCAL_SHOP, "user/customer/metafield", { customer_id: 999999999999, value: "x" });
    await waitForEventDone(id);
    const [taskRun] = await ownRuns(id);
    expect(taskRun.actionRuns[0].status).toBe("failed");
    expect(taskRun.actionRuns[0].error).toMatch(/userErrors|GraphQL errors/);
  });

  it("survives the store's throttling: a burst of writes all land, none fails", async () => {
    const customers = store.state.listCustomers(LOCAL_SHOP);
    const ids: string[] = [];
    for (let n = 0; n < 24; n++) {
      const customer = customers[n % customers.length];
      ids.push(await newEvent(LOCAL_SHOP, "user/customer/metafield", { customer_id: customer.id, value: { n } }));
    }
    for (const id of ids) await waitForEventDone(id, 40_000);
    const actionRuns = await prisma.actionRun.findMany({
      where: { taskRun: { eventId: { in: ids }, taskId: metafieldTaskId } },
    });
    expect(actionRuns).toHaveLength(24);
    expect(actionRuns.every((a) => a.status === "succeeded")).toBe(true);
    const throttledOnce = actionRuns.some((a) => a.finishedAt!.getTime() - a.createdAt.getTime() > 500);
    expect(throttledOnce).toBe(true); // 24 writes x 10 points > a 100-point bucket: some had to wait
  }, 60_000);
});

describe("Forward to a URL (template)", () => {
  it("POSTs the event's data with a valid Standard Webhooks signature", async () => {
    const server = await countingServer();
    try {
      const template = findTaskTemplate("forward-to-url")!;
      const secret = `whsec_${Buffer.from("a-very-secret-signing-key").toString("base64")}`;
      const shop = `forward-${Date.now()}.myshopify.com`;
      await createTask(shop, {
        ...draftToInput(template.draft),
        options: { url__required: `${server.url}/receive`, signing_secret__secret: secret },
      });
      const id = await newEvent(shop, "user/webhook/forward", { hello: "world" });
      await waitForEventDone(id);
      const [taskRun] = await runsOf(id);
      expect(taskRun.actionRuns[0].status, taskRun.actionRuns[0].error ?? taskRun.errors ?? "").toBe("succeeded");
      expect(server.count("/receive")).toBe(1);
      const options = JSON.parse(taskRun.actionRuns[0].options);
      const headers = Object.fromEntries(
        Object.entries(options.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const body = server.bodies[0].body;
      expect(JSON.parse(body)).toEqual({ hello: "world" });
      const key = Buffer.from(secret.slice("whsec_".length), "base64");
      const expected = createHmac("sha256", key)
        .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`)
        .digest("base64");
      expect(String(headers["webhook-signature"]).split(" ")).toContain(`v1,${expected}`);
    } finally {
      await server.close();
    }
  });
});
