import { describe, expect, it } from "vitest";
import { parseJson, stringifyJson } from "~/domain/json";
import { renderTask, subjectVariable, type RenderInput, type TaskEvent } from "~/domain/tasks/render";

const shop = {
  name: "Demo Store",
  domain: "demo.example.com",
  myshopify_domain: "demo-store.myshopify.com",
  email: "owner@example.com",
  currency: "USD",
  timezone: "America/Chicago",
};

function event(overrides: Partial<TaskEvent> = {}): TaskEvent {
  return {
    id: "evt-1",
    topic: "user/webhook/test",
    data: { hello: "world", customer_id: 9007199254740993n },
    created_at: "2024-05-01T12:00:00Z",
    source: "user",
    webhook_request_id: "req-1",
    ...overrides,
  };
}

function input(script: string, overrides: Partial<RenderInput> = {}): RenderInput {
  return { script, options: {}, event: event(), shop, task: { id: "task-1", name: "Test task" }, ...overrides };
}

describe("renderTask: numbers from JSON keep their type", () => {
  it("prints a posted 20.0 as 20.0, divides it as a float and writes it back as 20.0", async () => {
    const data = parseJson('{"total":20.0,"count":20,"id":820982911946154508}');
    const script = `{% capture text %}{{ event.data.total }}|{{ event.data.count }}{% endcapture %}
{% assign third = event.data.total | divided_by: 3 %}{% assign int_third = event.data.count | divided_by: 3 %}
{% assign json = event.data | json %}
{% log total: event.data.total, text: text, third: third, int_third: int_third, json: json %}`;
    const result = await renderTask(input(script, { event: event({ data }) }));
    expect(result.errors).toEqual([]);
    expect(stringifyJson(result.logs)).toBe(
      '[{"total":20.0,"text":"20.0|20","third":6.666666666666667,"int_third":6,"json":"{\\"total\\":20.0,\\"count\\":20,\\"id\\":820982911946154508}"}]',
    );
  });
});

describe("renderTask: the event's data as stored JSON text (dataJson)", () => {
  it("is parsed where the render runs, exactly, in place of data, for the event and its parents", async () => {
    const text = '{"total":20.0,"id":820982911946154508,"hello":"world"}';
    const script = `{% log data: event.data, json: event.data | json, parent: event.parent.data.hello %}`;
    const result = await renderTask(
      input(script, {
        event: event({
          data: null,
          dataJson: text,
          parent: event({ id: "evt-0", data: null, dataJson: '{"hello":"parent"}' }),
        }),
      }),
    );
    expect(result.errors).toEqual([]);
    expect(stringifyJson(result.logs)).toBe(`[{"data":${text},"json":${JSON.stringify(text)},"parent":"parent"}]`);
  });

  it("reads as nil when the text is not JSON", async () => {
    const result = await renderTask(
      input(`{% if event.data == nil %}{% log "nil" %}{% endif %}`, {
        event: event({ data: { ignored: true }, dataJson: "not json" }),
      }),
    );
    expect(result.logs).toEqual(["nil"]);
  });
});

describe("renderTask: options as their flags declare them", () => {
  it('converts values before the script sees them (a "5" for __number is 5)', async () => {
    const script = `{% assign doubled = options.days__number | times: 2 %}{% log days: options.days__number, doubled: doubled, qty: options.qty__keyval_number, on: options.on__boolean %}`;
    const result = await renderTask(
      input(script, { options: { days__number: "5", qty__keyval_number: { A: "2" }, on__boolean: "false" } }),
    );
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([{ days: 5, doubled: 10, qty: { A: 2 }, on: false }]);
  });
});

describe("renderTask: actions", () => {
  it("renders the Echo tutorial action with the event data, 64-bit ids intact", async () => {
    const result = await renderTask(input('{% action "echo", event.data %}'));
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([
      { type: "echo", options: { hello: "world", customer_id: 9007199254740993n }, meta: null, performEvent: true },
    ]);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("supports every action tag form", async () => {
    const script = `
      {% action "echo", a: 1, b: "two" %}
      {% action "cache", "set", "k", 5 %}
      {% action "http" %}{"method": "post", "url": {{ "https://example.com" | json }}, "body": {{ event.data | json }}}{% endaction %}
      {% action type: "echo", options: "typed", meta: "m" %}
      {% action %}{"type": "echo", "options": [1, 2], "meta": {"mode": "first"}}{% endaction %}
      {% action "shopify" %}mutation { customerUpdate(input: {id: "gid://shopify/Customer/1"}) { userErrors { message } } }{% endaction %}
      {% action "echo", "x", __perform_event: false, __meta: "why" %}
    `;
    const result = await renderTask(input(script));
    expect(result.errors).toEqual([]);
    expect(result.actions.map((action) => [action.type, action.options, action.meta, action.performEvent])).toEqual([
      ["echo", { a: 1, b: "two" }, null, true],
      ["cache", ["set", "k", 5], null, true],
      [
        "http",
        { method: "post", url: "https://example.com", body: { hello: "world", customer_id: 9007199254740993n } },
        null,
        true,
      ],
      ["echo", "typed", "m", true],
      ["echo", [1, 2], { mode: "first" }, true],
      [
        "shopify",
        'mutation { customerUpdate(input: {id: "gid://shopify/Customer/1"}) { userErrors { message } } }',
        null,
        true,
      ],
      ["echo", "x", "why", false],
    ]);
  });

  it("takes control parameters from mapped options and from raw JSON", async () => {
    const script = `{% action "http", method: "get", url: "https://example.com", __perform_event: false %}
{"action": {"type": "echo", "options": {"x": 1, "__perform_event": false, "__meta": {"m": 1}}}}
{"action": {"type": "echo", "options": null, "__perform_event": false}}`;
    const result = await renderTask(input(script));
    expect(result.errors).toEqual([]);
    expect(result.actions).toEqual([
      { type: "http", options: { method: "get", url: "https://example.com" }, meta: null, performEvent: false },
      { type: "echo", options: { x: 1 }, meta: { m: 1 }, performEvent: false },
      { type: "echo", options: null, meta: null, performEvent: false },
    ]);
  });

  it("reads the raw JSON output stream (whitespace between objects is ignored)", async () => {
    const script = `{"action":{"type":"echo","options":{{ event.data | json }}}}

      {"log": "a log line"}   {"log": {"n": 1}}`;
    const result = await renderTask(input(script));
    expect(result.errors).toEqual([]);
    expect(result.actions[0].options).toEqual({ hello: "world", customer_id: 9007199254740993n });
    expect(result.logs).toEqual(["a log line", { n: 1 }]);
  });

  it("reports output that is not a JSON object stream", async () => {
    const result = await renderTask(input(`{% action "echo", 1 %} hello there`));
    expect(result.actions).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^Output is not valid JSON: unexpected "hello there" at line 1/);

    const unknownKey = await renderTask(input(`{"foo": 1}`));
    expect(unknownKey.errors[0]).toContain('exactly one key, "action", "log" or "error"');

    const broken = await renderTask(input(`{"action": {"type": "echo", "options": }}`));
    expect(broken.errors[0]).toMatch(/Output is not valid JSON: object starting at line 1, column 1/);

    const unterminated = await renderTask(input(`{"log": "x"`));
    expect(unterminated.errors[0]).toMatch(/unterminated object/);
  });

  it("reports invalid action tags clearly", async () => {
    const badBody = await renderTask(input(`{% action "http" %}{not json}{% endaction %}`));
    expect(badBody.errors[0]).toContain("action body is not valid JSON");
    const noType = await renderTask(input(`{% action "", 1 %}`));
    expect(noType.errors[0]).toContain("action type must be a non-empty string");
    const mixed = await renderTask(input(`{% action "cache", "set", "k", v: 1 %}`));
    expect(mixed.errors[0]).toContain("cannot mix positional and mapped options");
    const unclosed = await renderTask(input(`{% action "http" %}{}`));
    expect(unclosed.errors[0]).toMatch(/Liquid syntax error: tag .*not closed/);
  });
});

describe("renderTask: logs, errors, permissions", () => {
  it("supports the log forms", async () => {
    const script = `{% log "plain" %}{% assign details = hash %}{% assign details["foo"] = "bar" %}{% log message: "Something", details: details %}{% log %}{"foo": "bar"}{% endlog %}{% log %}not json{% endlog %}`;
    const result = await renderTask(input(script));
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([
      "plain",
      { message: "Something", details: { foo: "bar" } },
      { foo: "bar" },
      "not json",
    ]);
  });

  it("collects errors but keeps rendering (actions are still reported for display)", async () => {
    const script = `{% error "first" %}{% action "echo", 1 %}{% error message: "second", code: 2 %}{% error %}{"foo": "bar"}{% enderror %}{% log "after" %}`;
    const result = await renderTask(input(script));
    expect(result.errors).toEqual(["first", '{"message":"second","code":2}', '{"foo":"bar"}']);
    expect(result.actions).toHaveLength(1);
    expect(result.logs).toEqual(["after"]);
  });

  it("records permissions declared statically (Liquid inside is not evaluated)", async () => {
    const result = await renderTask(
      input(
        `{% permissions %}\n  read_orders\n  write_products, read_customers\n{% endpermissions %}{% action "echo", 1 %}`,
      ),
    );
    expect(result.errors).toEqual([]);
    expect(result.permissions).toEqual(["read_orders", "write_products", "read_customers"]);
    const bad = await renderTask(input(`{% permissions %}read_orders\n{{ shop.domain }}{% endpermissions %}`));
    expect(bad.errors[0]).toContain("permissions: invalid scope");
    const duplicate = await renderTask(input(`{% permissions %}read_orders, read_orders{% endpermissions %}`));
    expect(duplicate.errors[0]).toContain("listed twice");
  });

  it("turns runtime errors into errors and keeps earlier logs", async () => {
    const result = await renderTask(input(`{% log "before" %}{{ 1 | divided_by: 0 }}{% log "never" %}`));
    expect(result.logs).toEqual(["before"]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/divided by 0/);
  });

  it("turns syntax errors into errors", async () => {
    const result = await renderTask(input(`{% if %}`));
    expect(result.actions).toEqual([]);
    expect(result.errors[0]).toMatch(/^Liquid syntax error/);
  });
});

describe("renderTask: environment", () => {
  it("exposes event, shop, task and options", async () => {
    const parent = event({ id: "parent", topic: "user/parent/made" });
    const script = `{% log event.id %}{% log event.topic %}{% log event.source %}{% log event.created_at %}{% log event.webhook_request_id %}{% log event.parent.id %}{% log shop.myshopify_domain %}{% log task.name %}{% log options.greeting__required %}{% log event.preview %}`;
    const result = await renderTask(input(script, { event: event({ parent }), options: { greeting__required: "hi" } }));
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([
      "evt-1",
      "user/webhook/test",
      "user",
      "2024-05-01T12:00:00Z",
      "req-1",
      "parent",
      "demo-store.myshopify.com",
      "Test task",
      "hi",
      null,
    ]);
  });

  it("limits parents to five generations", async () => {
    let chain: TaskEvent = event({ id: "g7" });
    for (let i = 6; i >= 0; i--) chain = event({ id: `g${i}`, parent: chain });
    const result = await renderTask(
      input(
        `{% log event.parent.parent.parent.parent.parent.id %}{% log event.parent.parent.parent.parent.parent.parent %}`,
        { event: chain },
      ),
    );
    expect(result.logs).toEqual(["g5", null]);
  });

  it("renders Liquid inside text option values before the script", async () => {
    const result = await renderTask(
      input(`{% log options.subject %}`, { options: { subject: "Hello {{ shop.name }}" } }),
    );
    expect(result.logs).toEqual(["Hello Demo Store"]);
  });

  it("reads the cache, and not in preview", async () => {
    const cache = { get: async (key: string) => (key === "counter" ? 41 : null) };
    const live = await renderTask(
      input(`{% log cache["counter"] %}{% log cache.counter | plus: 1 %}{% log cache["missing"] %}`, { cache }),
    );
    expect(live.logs).toEqual([41, 42, null]);
    const preview = await renderTask(
      input(`{% log cache["counter"] %}{% log event.preview %}`, { cache, preview: true }),
    );
    expect(preview.logs).toEqual([null, true]);
  });

  it("uses the shop's time zone for dates", async () => {
    const result = await renderTask(
      input(
        `{% log "2000-01-01" | date: "%Y-%m-%d %H:%M %z" %}{% log "2000-01-01" | date %}{% log "2000-01-01" | date: tz: "UTC" %}`,
      ),
    );
    expect(result.logs).toEqual(["2000-01-01 00:00 -0600", "2000-01-01T00:00:00-06:00", "2000-01-01T06:00:00Z"]);
  });

  it("understands Shopify's display time zones and falls back to UTC", async () => {
    const eastern = await renderTask(
      input(`{% log "2000-01-01" | date: "%H:%M %z" %}`, {
        shop: { ...shop, timezone: "(GMT-05:00) Eastern Time (US & Canada)" },
      }),
    );
    expect(eastern.logs).toEqual(["00:00 -0500"]);
    const iana = await renderTask(
      input(`{% log "2000-07-01" | date: "%z" %}`, {
        shop: { ...shop, timezone: "(GMT-05:00) x", iana_timezone: "America/New_York" },
      }),
    );
    expect(iana.logs).toEqual(["-0400"]);
    const unknown = await renderTask(
      input(`{% log "2000-01-01" | date: "%z" %}`, { shop: { ...shop, timezone: "Nowhere/Special" } }),
    );
    expect(unknown).toMatchObject({ logs: ["+0000"], errors: [] });
  });

  it("sets a subject variable for Shopify topics and `action` for actions/perform", async () => {
    expect(subjectVariable("shopify/customers/create")).toBe("customer");
    expect(subjectVariable("shopify/inventory_levels/update")).toBe("inventory_level");
    expect(subjectVariable("shopify/addresses/x")).toBe("address");
    expect(subjectVariable("user/customers/create")).toBeNull();
    const result = await renderTask(
      input(`{% log customer.email %}`, {
        event: event({ topic: "shopify/customers/create", data: { email: "a@b.c" } }),
      }),
    );
    expect(result.logs).toEqual(["a@b.c"]);
    const perform = await renderTask(
      input(`{% log action.type %}`, { event: event({ topic: "mechanic/actions/perform", data: { type: "http" } }) }),
    );
    expect(perform.logs).toEqual(["http"]);
  });
});

describe("renderTask: shopify filter", () => {
  it("runs read-only queries through the injected function", async () => {
    const calls: unknown[] = [];
    const shopifyQuery = async (query: string, variables?: Record<string, unknown>) => {
      calls.push({ query, variables });
      return {
        data: {
          customer: {
            id: "gid://shopify/Customer/1",
            amountSpent: { amount: "10.0" },
            numberOfOrders: "12345678901234567890",
          },
        },
      };
    };
    const script = `{% capture q %}query($id: ID!) { customer(id: $id) { id } }{% endcapture %}{% assign vars = hash %}{% assign vars["id"] = "gid://shopify/Customer/1" %}{% assign result = q | shopify: variables: vars %}{% log result.data.customer.id %}`;
    const result = await renderTask(input(script, { shopifyQuery }));
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual(["gid://shopify/Customer/1"]);
    expect(calls).toEqual([
      { query: "query($id: ID!) { customer(id: $id) { id } }", variables: { id: "gid://shopify/Customer/1" } },
    ]);
  });

  it("refuses mutations with a clear error", async () => {
    const shopifyQuery = async () => ({ data: {} });
    const result = await renderTask(
      input(`{% assign r = 'mutation { tagsAdd(id: "x", tags: ["a"]) { node { id } } }' | shopify %}`, {
        shopifyQuery,
      }),
    );
    expect(result.errors[0]).toMatch(/shopify filter only runs queries; use a "shopify" action for mutations/);
  });

  it("is disabled in preview (returns nil, makes no call)", async () => {
    let called = false;
    const shopifyQuery = async () => {
      called = true;
      return {};
    };
    const result = await renderTask(
      input(`{% assign r = "{ shop { name } }" | shopify %}{% log r %}`, { shopifyQuery, preview: true }),
    );
    expect(result.errors).toEqual([]);
    expect(result.logs).toEqual([null]);
    expect(called).toBe(false);
  });

  it("reports a failing query function as a task error", async () => {
    const shopifyQuery = async () => {
      throw new Error("HTTP 500 from Shopify");
    };
    const result = await renderTask(input(`{% assign r = "{ shop { name } }" | shopify %}`, { shopifyQuery }));
    expect(result.errors[0]).toContain("HTTP 500 from Shopify");
  });
});

describe("renderTask: hostile scripts", () => {
  it("bounds an infinite-looking loop", async () => {
    const result = await renderTask(input(`{% for i in (1..1000000000) %}{% action "echo", i %}{% endfor %}`));
    expect(result.errors[0]).toMatch(/memory limit exceeded/);
  });

  it("bounds time", async () => {
    const result = await renderTask(
      input(`{% for i in (1..200000) %}{% for j in (1..200000) %}{% endfor %}{% endfor %}`, {
        limits: { renderLimitMs: 150 },
      }),
    );
    expect(result.errors[0]).toMatch(/render time limit exceeded/);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it("bounds output", async () => {
    const result = await renderTask(
      input(`{% for i in (1..100000) %}{% log "xxxxxxxxxxxxxxxxxxxx" %}{% endfor %}`, {
        limits: { outputBytes: 100_000 },
      }),
    );
    expect(result.errors[0]).toContain("output limit exceeded");
  });

  it("never throws, even for a non-string script", async () => {
    const result = await renderTask(input(42 as unknown as string));
    expect(result.errors).toEqual(["Task script must be a string"]);
  });

  it("uses the template cache key without mixing up scripts", async () => {
    const first = await renderTask(input(`{% log 1 %}`, { templateCacheKey: "t:1" }));
    const second = await renderTask(input(`{% log 2 %}`, { templateCacheKey: "t:1" }));
    expect(first.logs).toEqual([1]);
    expect(second.logs).toEqual([2]);
  });
});
