// The customer-metafield pattern without a browser, against a running local development store:
// the metafield definition created on install (directly and through the real afterAuth hook), and
// the round trip webhook POST -> worker -> metafieldsSet in the store -> the storefront preview's
// Section Rendering answer showing the value. Real database (SQLite or TEST_DB=postgres) and Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SHOP, loadConfig } from "~/config.server";
import { createLocalStore, type LocalStore } from "~/local-store";
import { PREVIEW_SECTION_ID, STOREFRONT_PREFIX } from "~/local-store/storefront/preview";
import { seedOfflineSession } from "../../../support/offline-session";

const OTHER_SHOP = "other-store.myshopify.com";
let store: LocalStore;
let prisma: typeof import("~/data/db.server").default;
let definitions: typeof import("~/services/shopify/metafield-definition.server");

beforeAll(async () => {
  store = createLocalStore();
  const url = await store.listen(0, "127.0.0.1");
  // Local mode: the app sends its Admin API calls to this store (LOCAL_STORE_URL, no credentials).
  process.env.LOCAL_STORE_URL = url;
  delete process.env.SHOPIFY_API_KEY;
  delete process.env.SHOPIFY_API_SECRET;
  loadConfig();
  prisma = (await import("~/data/db.server")).default;
  definitions = await import("~/services/shopify/metafield-definition.server");
  await seedOfflineSession(prisma, LOCAL_SHOP, store.offlineAccessToken(LOCAL_SHOP));
});

afterAll(async () => {
  await store?.close();
});

describe("the customer metafield definition", () => {
  it("is created with storefront read access, and a second call finds it (TAKEN is fine)", async () => {
    const first = await definitions.ensureCustomerMetafieldDefinition(LOCAL_SHOP);
    expect(first.status).toBe("created");
    expect(first.status === "created" && first.id).toMatch(/^gid:\/\/shopify\/MetafieldDefinition\/\d+$/);
    const definition = store.state.findDefinition(LOCAL_SHOP, "CUSTOMER", "hookline", "webhook_data");
    expect(definition).toMatchObject({ ownerType: "CUSTOMER", type: "json", name: "Hookline result" });
    expect(definition!.access.storefront).toBe("PUBLIC_READ");

    expect(await definitions.ensureCustomerMetafieldDefinition(LOCAL_SHOP)).toEqual({ status: "exists" });
    expect(store.state.listMetafieldDefinitions(LOCAL_SHOP, "CUSTOMER")).toHaveLength(1);
  });

  it("uses the namespace, key and type the metafield task template writes", async () => {
    const { findTaskTemplate } = await import("~/domain/tasks/templates");
    const options = findTaskTemplate("customer-metafield")!.draft.options;
    expect(definitions.CUSTOMER_RESULT_METAFIELD).toMatchObject({
      namespace: options.metafield_namespace__required,
      key: options.metafield_key__required,
      type: options.metafield_type__required,
    });
  });

  it("is created by the install hook (afterAuth) when a shop first opens the app", async () => {
    const { authenticate } = await import("~/services/shopify/app.server");
    const { mintSessionToken } = await import("~/services/local-mode/session-token.server");
    const { apiKey, apiSecret, appUrl } = await import("~/config.server");
    expect(store.state.findDefinition(OTHER_SHOP, "CUSTOMER", "hookline", "webhook_data")).toBeNull();
    await prisma.session.deleteMany({ where: { shop: OTHER_SHOP } });
    const request = new Request(`${appUrl()}/app?shop=${OTHER_SHOP}`, {
      headers: { Authorization: `Bearer ${mintSessionToken(OTHER_SHOP, apiKey(), apiSecret())}` },
    });
    const { session } = await authenticate.admin(request); // token exchange with the store, then afterAuth
    expect(session.shop).toBe(OTHER_SHOP);
    const definition = store.state.findDefinition(OTHER_SHOP, "CUSTOMER", "hookline", "webhook_data");
    expect(definition?.access.storefront).toBe("PUBLIC_READ");
  });

  it("says why when it cannot: no session, a refused input, an HTTP error, GraphQL errors", async () => {
    await expect(definitions.ensureCustomerMetafieldDefinition("not-installed.myshopify.com")).rejects.toThrow(
      /No offline session/,
    );
    const answer = (status: number, body: unknown) => async () => ({ status, body });
    await expect(
      definitions.ensureCustomerMetafieldDefinition(LOCAL_SHOP, answer(500, "Internal Server Error")),
    ).rejects.toThrow(/HTTP 500/);
    await expect(
      definitions.ensureCustomerMetafieldDefinition(
        LOCAL_SHOP,
        answer(200, { errors: [{ message: "Access denied" }] }),
      ),
    ).rejects.toThrow(/Access denied/);
    await expect(
      definitions.ensureCustomerMetafieldDefinition(
        LOCAL_SHOP,
        answer(200, {
          data: {
            metafieldDefinitionCreate: {
              createdDefinition: null,
              userErrors: [
                { field: ["definition", "key"], message: "Key is reserved", code: "RESERVED_NAMESPACE_KEY" },
              ],
            },
          },
        }),
      ),
    ).rejects.toThrow(/Key is reserved/);
  });
});

describe("the round trip: webhook -> task -> customer metafield -> storefront block", () => {
  it("a storefront-style POST ends with the block re-rendering the customer's value; a failing task leaves it waiting", async () => {
    const { handleIngress } = await import("~/services/ingress/handle-ingress.server");
    const { createWebhook } = await import("~/data/webhooks.server");
    const { createTask, draftToInput } = await import("~/data/tasks.server");
    const { findTaskTemplate } = await import("~/domain/tasks/templates");
    const { closeSharedQueues, startWorker } = await import("~/services/runner/worker.server");
    const { waitForEventDone } = await import("../runner/helpers");

    const worker = await startWorker({ concurrency: 2, sweepIntervalMs: 1000, log: () => {} });
    try {
      await definitions.ensureCustomerMetafieldDefinition(LOCAL_SHOP);
      const webhook = await createWebhook(LOCAL_SHOP, { name: "Storefront", topic: "user/customer/metafield" });
      await createTask(LOCAL_SHOP, draftToInput(findTaskTemplate("customer-metafield")!.draft));
      const failing = await createWebhook(LOCAL_SHOP, { name: "Broken", topic: "user/customer/broken" });
      await createTask(LOCAL_SHOP, {
        name: "Always fails",
        subscriptions: "user/customer/broken",
        script: '{% error "the lookup service is down" %}',
      });

      const section = (customer: number, webhookUrl: string) =>
        fetch(
          `${store.url}${STOREFRONT_PREFIX}/${LOCAL_SHOP}?customer=${customer}&webhook_url=${encodeURIComponent(webhookUrl)}&section_id=${PREVIEW_SECTION_ID}`,
        ).then((response) => response.text());
      expect(await section(1004, webhook.url)).toContain('data-state="idle"');

      // What the block's script sends: JSON with the customer id, a request id and the form fields.
      const post = (webhookId: string, customer: number) =>
        handleIngress(
          new Request(`http://localhost/webhook/${webhookId}`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: store.url! },
            body: JSON.stringify({
              message: "points please",
              customer_id: String(customer),
              request_id: crypto.randomUUID(),
            }),
          }),
          webhookId,
        );
      const response = await post(webhook.id, 1004);
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBeTruthy();
      const event = await prisma.event.findFirstOrThrow({ where: { webhookId: webhook.id } });
      expect((await waitForEventDone(event.id)).status).toBe("succeeded");

      const html = await section(1004, webhook.url);
      expect(html).toContain('data-state="result"');
      expect(html).toContain("&quot;message&quot;:&quot;points please&quot;");
      expect(html).not.toContain("customer_id"); // the template stores everything except customer_id

      // The README's trust-boundary recipe: the block signs the customer id with a secret (storefront
      // Liquid, server-side) and the task checks it with Hookline's Liquid. Both must agree.
      const signed = await createWebhook(LOCAL_SHOP, { name: "Signed", topic: "user/customer/signed" });
      await createTask(LOCAL_SHOP, {
        name: "Checks the customer signature",
        subscriptions: "user/customer/signed",
        options: { customer_signing_secret__required: "s3cret" },
        script: `{% assign expected = event.data.customer_id | append: "" | hmac_sha256: options.customer_signing_secret__required %}
{% if event.data.customer_signature != expected %}{% error "customer_signature does not match customer_id" %}{% else %}{% action "echo", event.data.customer_id %}{% endif %}`,
      });
      const page = await fetch(
        `${store.url}${STOREFRONT_PREFIX}/${LOCAL_SHOP}?customer=1002&webhook_url=${encodeURIComponent(signed.url)}&customer_signing_secret=s3cret`,
      ).then((r) => r.text());
      const signature = /data-customer-signature="([0-9a-f]{64})"/.exec(page)?.[1];
      expect(signature).toBeDefined();
      const postSigned = async (customerId: string) => {
        const answer = await handleIngress(
          new Request(`http://localhost/webhook/${signed.id}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              customer_id: customerId,
              customer_signature: signature,
              request_id: crypto.randomUUID(),
            }),
          }),
          signed.id,
        );
        expect(answer.status).toBe(204);
        const rows = await prisma.event.findMany({ where: { webhookId: signed.id }, orderBy: { createdAt: "desc" } });
        return (await waitForEventDone(rows[0]!.id)).status;
      };
      expect(await postSigned("1002")).toBe("succeeded");
      expect(await postSigned("1003")).toBe("failed"); // another customer's id with Grace's signature

      expect((await post(failing.id, 1005)).status).toBe(204);
      const failed = await prisma.event.findFirstOrThrow({ where: { webhookId: failing.id } });
      expect((await waitForEventDone(failed.id)).status).toBe("failed");
      expect(await section(1005, failing.url)).toContain('data-state="idle"');
      expect(store.state.getMetafield(LOCAL_SHOP, 1005, "hookline", "webhook_data")).toBeNull();
    } finally {
      await worker.close();
      await closeSharedQueues();
    }
  });
});
