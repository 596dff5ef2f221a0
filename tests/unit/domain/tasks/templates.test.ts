import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { actionSentence, describeDelay } from "~/domain/liquid/action-sentence";
import { previewEvents, previewTask } from "~/domain/tasks/preview";
import { renderTask } from "~/domain/tasks/render";
import { parseTaskJson, type TaskDraft } from "~/domain/tasks/task-json";
import { discoverOptionKeys, validateOptions } from "~/domain/tasks/options";
import { findTaskTemplate, TASK_TEMPLATES } from "~/domain/tasks/templates";
import { describeResponse } from "~/domain/actions/respond";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";

const shop = {
  name: "Demo Store",
  domain: "demo.example.com",
  myshopify_domain: "demo-store.myshopify.com",
  email: "owner@example.com",
  currency: "USD",
  timezone: "UTC",
};
const fixedNow = () => new Date("2024-05-01T12:00:00Z");

function template(id: string): TaskDraft {
  const found = findTaskTemplate(id);
  if (!found) throw new Error(`no template ${id}`);
  return found.draft;
}

describe("previewTask", () => {
  it("renders against a given event, in preview mode, performing nothing", async () => {
    const draft: TaskDraft = { ...template("echo"), script: `{% log event.preview %}{% action "echo", event.data %}` };
    const previews = await previewTask(draft, {
      shop,
      event: { topic: "user/webhook/test", data: { a: 1 } },
      now: fixedNow,
    });
    expect(previews).toHaveLength(1);
    expect(previews[0].description).toBe("given event");
    expect(previews[0].event).toMatchObject({
      id: "preview-1",
      topic: "user/webhook/test",
      data: { a: 1 },
      source: "user",
      preview: true,
      created_at: "2024-05-01T12:00:00.000Z",
    });
    expect(previews[0].result.logs).toEqual([true]);
    expect(previews[0].result.actions).toEqual([{ type: "echo", options: { a: 1 }, meta: null, performEvent: true }]);
  });

  it("uses the draft's preview event definitions, else one event per subscribed topic", () => {
    const withDefinitions = previewEvents(template("customer-metafield"), { now: fixedNow });
    expect(withDefinitions.map((item) => [item.description, item.event.topic])).toEqual([
      ["A customer and a value", "user/customer/metafield"],
    ]);
    const bare: TaskDraft = {
      ...template("echo"),
      previewEventDefinitions: [],
      subscriptions: ["user/a/b", "shopify/orders/paid+1.day", "user/a/b+2.hours"],
    };
    const bareEvents = previewEvents(bare, { now: fixedNow });
    expect(bareEvents.map((item) => [item.description, item.event.topic, item.event.source])).toEqual([
      ["user/a/b", "user/a/b", "user"],
      ["shopify/orders/paid (example data)", "shopify/orders/paid", "shopify"],
    ]);
    expect(bareEvents[0].event.data).toBeNull();
    // Shopify's documented order example, marked paid for orders/paid.
    expect(bareEvents[1].event.data).toMatchObject({
      id: 820982911946154508n,
      name: "#9999",
      financial_status: "paid",
    });
    expect(previewEvents({ ...bare, subscriptions: [] }, { now: fixedNow })).toEqual([]);
  });

  it("previews every subscribed topic: definitions, else the shop's recent event, else example data", () => {
    const draft: TaskDraft = {
      ...template("echo"),
      subscriptions: [
        "mechanic/user/trigger",
        "shopify/customers/create",
        "shopify/orders/create",
        "user/unknown_things/created",
      ],
      previewEventDefinitions: [
        { description: "A trigger", event_attributes: { topic: "mechanic/user/trigger", data: { hello: "world" } } },
      ],
    };
    const events = previewEvents(draft, {
      now: fixedNow,
      recentEvents: { "shopify/customers/create": { id: 5, email: "recent@example.com" } },
    });
    expect(events.map((item) => [item.description, item.event.topic])).toEqual([
      ["A trigger", "mechanic/user/trigger"],
      ["shopify/customers/create (recent event)", "shopify/customers/create"],
      ["shopify/orders/create (example data)", "shopify/orders/create"],
      ["user/unknown_things/created", "user/unknown_things/created"],
    ]);
    expect(events[1].event.data).toEqual({ id: 5, email: "recent@example.com" });
    expect(events[3].event.data).toBeNull();
    // A definition without data (the editor adds one per topic) is filled in too.
    const withEmpty = previewEvents(
      {
        ...draft,
        previewEventDefinitions: [
          { description: "", event_attributes: { topic: "shopify/products/update", data: null } },
        ],
      },
      { now: fixedNow },
    );
    expect(withEmpty[0]).toMatchObject({ description: "shopify/products/update (example data)" });
    expect(withEmpty[0].event.data).toMatchObject({ title: "Example T-Shirt" });
  });

  it("renders a shopify/* task against the example data, with the subject variable", async () => {
    const draft: TaskDraft = {
      ...template("echo"),
      subscriptions: ["shopify/orders/create"],
      previewEventDefinitions: [],
      script: `{% action "echo", name: order.name, total: order.total_price, items: order.line_items.size, customer: order.customer.email %}`,
    };
    const [preview] = await previewTask(draft, { shop, now: fixedNow });
    expect(preview.result.errors).toEqual([]);
    expect(preview.result.actions[0].options).toEqual({
      name: "#9999",
      total: "403.00",
      items: 2,
      customer: "john@example.com",
    });
  });

  it("previews a real Mechanic library task with its stub data (no Shopify API in preview)", async () => {
    const imported = parseTaskJson(
      readFileSync(new URL("./fixtures/tag-customers-by-email-domain.json", import.meta.url), "utf8"),
    );
    if (!imported.ok) throw new Error(imported.errors.join("; "));
    const [fromDefinition] = await previewTask(imported.draft, { shop });
    expect(fromDefinition.result.errors).toEqual([]);
    expect(fromDefinition.result.actions).toHaveLength(1);
    expect(fromDefinition.result.actions[0].type).toBe("shopify");
    expect(fromDefinition.result.actions[0].options).toMatch(
      /tagsAdd\(\s*id: "gid:\/\/shopify\/Customer\/9007199254740993"\s*tags: \["staff"\]/,
    );

    const [manual] = await previewTask(imported.draft, { shop, event: { topic: "mechanic/user/trigger" } });
    expect(manual.result.errors).toEqual([]);
    expect(manual.result.actions[0].options).toContain("gid://shopify/Customer/1234567890");
  });
});

describe("shipped templates", () => {
  it("are valid drafts whose options and subscriptions check out", () => {
    expect(TASK_TEMPLATES.map((item) => item.id)).toEqual([
      "echo",
      "customer-metafield",
      "forward-to-url",
      "respond-with-quote",
    ]);
    for (const { draft } of TASK_TEMPLATES) {
      expect(parseSubscriptions(draft.subscriptions).errors).toEqual([]);
      const keys = discoverOptionKeys(draft.script, draft.subscriptionsTemplate ?? "");
      expect(Object.keys(draft.options).sort()).toEqual([...keys].sort());
      const errors = validateOptions(keys, draft.options);
      // The forwarding secret is optional; everything else has a working default.
      expect(errors).toEqual({});
      expect(draft.previewEventDefinitions.length).toBeGreaterThan(0);
    }
  });

  it("Respond with a quote answers the total of the posted lines (or cart.js items in cents), 422 without lines", async () => {
    const draft = template("respond-with-quote");
    expect(draft.subscriptions).toEqual(["user/quote/requested"]);
    const [preview] = await previewTask(draft, { shop });
    expect(preview.result.errors).toEqual([]);
    expect(preview.result.actions).toHaveLength(1);
    expect(preview.result.actions[0]).toMatchObject({
      type: "respond",
      options: { status: 200, headers: { "cache-control": "no-store" } },
    });
    expect(JSON.parse(JSON.stringify((preview.result.actions[0].options as { body: unknown }).body))).toEqual({
      quantity: 3,
      subtotal: 30,
      discount: 0,
      total: 30,
      currency: "USD",
    });
    expect(describeResponse(preview.result.actions[0].options)).toBe(
      'HTTP 200\ncache-control: no-store\ncontent-type: application/json; charset=utf-8\n\n{"quantity":3,"subtotal":30.0,"discount":0.0,"total":30.0,"currency":"USD"}',
    );
    const run = async (data: unknown, options: Record<string, unknown> = draft.options) =>
      (await previewTask({ ...draft, options }, { shop, event: { topic: "user/quote/requested", data } }))[0].result
        .actions[0]?.options as { status: number; body: Record<string, unknown> };
    const cart = await run(
      {
        items: [
          { quantity: 2, price: 1250 },
          { quantity: 1, price: 499 },
        ],
      },
      {
        discount_percent__number: 10,
      },
    );
    expect(JSON.parse(JSON.stringify(cart.body))).toMatchObject({
      quantity: 3,
      subtotal: 29.99,
      discount: 3.0,
      total: 26.99,
    });
    const empty = await run({});
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({
      error: 'post JSON with cart lines, like {"lines": [{"quantity": 1, "price": "9.99"}]}',
    });
  });

  it("Echo echoes the event data", async () => {
    const draft = template("echo");
    expect(draft.subscriptions).toEqual(["user/webhook/test"]);
    expect(draft.script.trim()).toBe('{% action "echo", event.data %}');
    const [preview] = await previewTask(draft, { shop });
    expect(preview.result.errors).toEqual([]);
    expect(preview.result.actions).toEqual([
      { type: "echo", options: { hello: "world" }, meta: null, performEvent: true },
    ]);
  });

  it("Set a customer metafield writes the value with metafieldsSet and variables", async () => {
    const draft = template("customer-metafield");
    const [preview] = await previewTask(draft, { shop });
    expect(preview.result.errors).toEqual([]);
    const [action] = preview.result.actions;
    expect(action.type).toBe("shopify");
    const options = action.options as { query: string; variables: { metafields: unknown[] } };
    expect(options.query).toContain("metafieldsSet(metafields: $metafields)");
    expect(options.variables.metafields).toEqual([
      {
        ownerId: "gid://shopify/Customer/1234567890",
        namespace: "hookline",
        key: "webhook_data",
        type: "json",
        value: '{"plan":"gold"}',
      },
    ]);
  });

  it("Set a customer metafield handles gids, 64-bit ids, text types and a missing customer_id", async () => {
    const draft = template("customer-metafield");
    const run = (data: unknown, options = draft.options) =>
      renderTask({
        script: draft.script,
        options,
        event: { id: "e", topic: "user/customer/metafield", data, created_at: "", source: "user" },
        shop,
        task: { id: "t", name: draft.name },
      });
    // What only carries the request (the storefront block's request_id and signature) is not stored (issue 13).
    const big = await run({
      customer_id: 9007199254740993n,
      plan: "gold",
      visits: 3,
      request_id: "0b7f7a52-3f8e-4a8e-9a57-0d4c1c7a8a10",
      customer_signature: "abc",
    });
    expect(
      (big.actions[0].options as { variables: { metafields: { ownerId: string; value: string }[] } }).variables
        .metafields[0],
    ).toMatchObject({
      ownerId: "gid://shopify/Customer/9007199254740993",
      value: '{"plan":"gold","visits":3}',
    });
    const text = await run(
      { customer_id: "gid://shopify/Customer/42", value: "VIP" },
      { ...draft.options, metafield_type__required: "single_line_text_field" },
    );
    expect(
      (text.actions[0].options as { variables: { metafields: { ownerId: string; value: string; type: string }[] } })
        .variables.metafields[0],
    ).toMatchObject({
      ownerId: "gid://shopify/Customer/42",
      value: "VIP",
      type: "single_line_text_field",
    });
    const missing = await run({ value: 1 });
    expect(missing.actions).toEqual([]);
    expect(missing.errors[0]).toContain("event.data.customer_id is missing");
  });

  it("Forward to a URL posts the data signed with Standard Webhooks", async () => {
    const draft = template("forward-to-url");
    const secretBytes = Buffer.from("a secret with \u00ff bytes \u0000\u0001", "latin1");
    const secret = `whsec_${secretBytes.toString("base64")}`;
    const before = Math.floor(Date.now() / 1000);
    const result = await renderTask({
      script: draft.script,
      options: { url__required: "https://receiver.example/hook", signing_secret__secret: secret },
      event: {
        id: "evt_123",
        topic: "user/webhook/forward",
        data: { hello: "world", id: 9007199254740993n },
        created_at: "",
        source: "user",
      },
      shop,
      task: { id: "t", name: draft.name },
    });
    expect(result.errors).toEqual([]);
    const [action] = result.actions;
    expect(action.type).toBe("http");
    const options = action.options as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(options.method).toBe("post");
    expect(options.url).toBe("https://receiver.example/hook");
    expect(options.body).toBe('{"hello":"world","id":9007199254740993}');
    const timestamp = Number(options.headers["webhook-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(options.headers["webhook-id"]).toBe("evt_123");
    expect(options.headers["content-type"]).toBe("application/json");
    const expected = createHmac("sha256", secretBytes)
      .update(`evt_123.${options.headers["webhook-timestamp"]}.${options.body}`)
      .digest("base64");
    expect(options.headers["webhook-signature"]).toBe(`v1,${expected}`);

    const unsigned = await renderTask({
      script: draft.script,
      options: { url__required: "https://receiver.example/hook", signing_secret__secret: "" },
      event: { id: "evt_124", topic: "user/webhook/forward", data: null, created_at: "", source: "user" },
      shop,
      task: { id: "t", name: draft.name },
    });
    expect(unsigned.errors).toEqual([]);
    expect(
      (unsigned.actions[0].options as { headers: Record<string, string> }).headers["webhook-signature"],
    ).toBeUndefined();
  });
});

describe("actionSentence", () => {
  it("describes the tutorial task", () => {
    expect(actionSentence(["user/webhook/test"], ["echo"])).toBe("When user/webhook/test is triggered… Echo");
  });
  it("joins topics, shows delays and lists each action type once", () => {
    expect(
      actionSentence(
        ["user/a/b", "user/c/d+2.hours", "shopify/orders/paid+1.day"],
        [{ type: "shopify" }, { type: "http" }, { type: "shopify" }, { type: "custom_thing" }],
      ),
    ).toBe(
      "When user/a/b, user/c/d (after 2 hours) or shopify/orders/paid (after 1 day) is triggered… Shopify, HTTP request, Custom thing",
    );
    expect(actionSentence([], [])).toBe("When nothing is subscribed… no actions");
    expect(describeDelay(90)).toBe("90 seconds");
    expect(describeDelay(1800)).toBe("30 minutes");
  });
});
