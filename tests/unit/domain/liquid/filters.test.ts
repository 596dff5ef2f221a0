// Mechanic filters (examples from Mechanic's filter reference) and Shopify's data filters.
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";

const engine = createLiquidEngine();

async function render(source: string, scope: Record<string, unknown> = {}, timeZone = "UTC"): Promise<string> {
  return (await engine.render(source, scope, { state: { timeZone } })).output;
}

async function failure(source: string, scope: Record<string, unknown> = {}): Promise<string> {
  try {
    await engine.render(source, scope);
  } catch (error) {
    expect(error).toBeInstanceOf(LiquidScriptError);
    return (error as Error).message;
  }
  throw new Error(`expected ${source} to fail`);
}

const variants = [
  { id: 12345, sku: "ONE", price: 5, tags: ["a", "b"], vendor: "x" },
  { id: 67890, sku: "TWO", price: 15.5, tags: ["b"], vendor: "y" },
  { id: 11111, sku: "THREE", price: 10, tags: [], vendor: "x" },
];

describe("json and parse_json", () => {
  it("round-trips data, keeping 64-bit integers and Ruby floats", async () => {
    expect(
      await render(`{{ '{"a": 3.0, "b": 12345678901234567890, "c": [1, "x", null, true]}' | parse_json | json }}`),
    ).toBe('{"a":3.0,"b":12345678901234567890,"c":[1,"x",null,true]}');
    expect(await render(`{% assign o = '{"price": 3.0}' | parse_json %}{{ o.price }}`)).toBe("3.0");
    expect(await render(`{{ s | json }}`, { s: 'quote " and\nnewline' })).toBe('"quote \\" and\\nnewline"');
    expect(await render(`{{ "raw \\n stays" | json }}`)).toBe('"raw \\\\n stays"');
    expect(await render(`{{ nil | json }}`)).toBe("null");
  });

  it("fails on invalid JSON unless silent: true", async () => {
    expect(await failure(`{{ "{{" | parse_json }}`)).toContain("parse_json");
    expect(await render(`{% assign should_be_nil = "{{" | parse_json: silent: true %}{{ should_be_nil | json }}`)).toBe(
      "null",
    );
  });

  it("does not let __proto__ keys pollute objects", async () => {
    expect(
      await render(`{% assign o = '{"__proto__": {"polluted": 1}, "a": 1}' | parse_json %}{{ o.polluted }}|{{ o.a }}`),
    ).toBe("|1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("handles jsonl", async () => {
    expect(await render(`{{ list | jsonl }}`, { list: [{ a: 1 }, { b: 2 }] })).toBe('{"a":1}\n{"b":2}');
    expect(
      await render(`{% assign rows = s | parse_jsonl %}{{ rows | map: "email" | join: ", " }}`, {
        s: '  {"email":"a@b"}\n  {"email":"c@d"}\n',
      }),
    ).toBe("a@b, c@d");
  });
});

describe("graphql_arguments", () => {
  it("renders GraphQL arguments from a hash", async () => {
    const source = `{% assign inputs = hash %}{% assign inputs["a_string"] = "yep this is a string" %}{% assign inputs["a_more_complex_type"] = hash %}{% assign inputs["a_more_complex_type"]["id"] = "gid://something/Or?other" %}{% assign inputs["an_array"] = array %}{% assign inputs["an_array"][0] = 1 %}{% assign inputs["an_array"][1] = 2 %}{{ inputs | graphql_arguments }}`;
    expect(await render(source)).toBe(
      'a_string: "yep this is a string", a_more_complex_type: { id: "gid://something/Or?other" }, an_array: [1, 2]',
    );
  });
  it("renders an array (the library's inventory adjustments) as a GraphQL list value", async () => {
    const changes = [
      { delta: 5, inventoryItemId: "gid://shopify/InventoryItem/1" },
      { delta: -2.0, inventoryItemId: "gid://shopify/InventoryItem/2" },
    ];
    expect(await render(`changes: {{ changes | graphql_arguments }}`, { changes })).toBe(
      'changes: [{ delta: 5, inventoryItemId: "gid://shopify/InventoryItem/1" }, { delta: -2, inventoryItemId: "gid://shopify/InventoryItem/2" }]',
    );
    expect(await render(`{{ "x" | graphql_arguments }} {{ 5 | graphql_arguments }}`)).toBe('"x" 5');
  });
  it("rejects names that are not GraphQL names", async () => {
    expect(await failure(`{{ h | graphql_arguments }}`, { h: { "bad name": 1 } })).toContain("invalid argument name");
  });
});

describe("encodings and digests", () => {
  const text = "Polina ✓";
  const sha256 = createHash("sha256").update(text).digest("hex");
  const md5 = createHash("md5").update(text).digest("hex");
  const hmac = createHmac("sha256", "secret_key").update(text).digest("hex");
  const hmacBase64 = createHmac("sha256", "secret_key").update(text).digest("base64");

  it.each([
    [`{{ t | sha256 }}`, sha256],
    [`{{ t | md5 }}`, md5],
    [`{{ t | hmac_sha256: "secret_key" }}`, hmac],
    [`{{ t | hmac_sha256: "secret_key", binary: true | base64_encode }}`, hmacBase64],
    [`{{ t | base64 }}`, Buffer.from(text).toString("base64")],
    [`{{ t | base64_encode | base64_decode }}`, text],
    [`{{ t | base64 | decode_base64 }}`, text],
    [`{{ "???>>>" | base64_url_safe_encode }}`, "Pz8_Pj4-"],
    [`{{ "Pz8_Pj4-" | base64_url_safe_decode }}`, "???>>>"],
    [`{{ "a b&c=d/é" | url_encode }}`, "a+b%26c%3Dd%2F%C3%A9"],
    [`{{ "a+b%26c%3Dd%2F%C3%A9" | url_decode }}`, "a b&c=d/é"],
  ])("%s", async (source, expected) => {
    expect(await render(source, { t: text })).toBe(expected);
  });

  it("rejects invalid base64", async () => {
    expect(await failure(`{{ "not base64!" | base64_decode }}`)).toContain("invalid base64");
  });
});

describe("CSV", () => {
  it("generates CSV with quoting, delimiters and BOM", async () => {
    const rows = [
      ["Product ID", "Product Title"],
      [1234567890, 'Short "sleeve", t-shirt'],
    ];
    expect(await render(`{{ rows | csv }}`, { rows })).toBe(
      'Product ID,Product Title\n1234567890,"Short ""sleeve"", t-shirt"\n',
    );
    expect(await render(`{{ rows | csv: ";", include_bom: true }}`, { rows: [["a", "b;c"]] })).toBe('\uFEFFa;"b;c"\n');
  });

  it("parses CSV with and without headers", async () => {
    const csv = 'Order Name,Order ID,Order Date\n#1234,1234567890,2021/03/23\n#1235,"12,34",2021/03/24';
    expect(await render(`{{ s | parse_csv | json }}`, { s: csv })).toBe(
      '[["Order Name","Order ID","Order Date"],["#1234","1234567890","2021/03/23"],["#1235","12,34","2021/03/24"]]',
    );
    expect(
      await render(`{% assign orders = s | parse_csv: headers: true %}{{ orders[1]["Order ID"] }}`, { s: csv }),
    ).toBe("12,34");
    expect(await render(`{{ s | parse_csv: headers: true, delimiter: ";" | json }}`, { s: "a;b\n1;2\n" })).toBe(
      '[{"a":"1","b":"2"}]',
    );
    expect(await failure(`{{ s | parse_csv }}`, { s: 'a,"unclosed' })).toContain("unclosed");
  });
});

describe("strings", () => {
  it("unindents", async () => {
    expect(await render(`{{ s | unindent }}`, { s: "\n  Hello, friend!\n    It's a mighty fine day!\n" })).toBe(
      "\nHello, friend!\n  It's a mighty fine day!\n",
    );
  });

  it("matches and scans with Ruby-style patterns", async () => {
    expect(await render(`{{ "It's a lovely day!" | match: "(?<=a ).*(?= day)" }}`)).toBe("lovely");
    expect(
      await render(`{% assign m = "It's a lovely day!" | match: "a (bucolic|lovely) day" %}{{ m.captures | json }}`),
    ).toBe('["lovely"]');
    expect(
      await render(
        `{% assign m = "It's a lovely day!" | match: "a (?<adjective>bucolic|lovely) day" %}{{ m.named_captures | json }}`,
      ),
    ).toBe('{"adjective":"lovely"}');
    expect(await render(`{{ "It's a lovely day!" | scan: "[\\w']+" | json }}`)).toBe('["It\'s","a","lovely","day"]');
    expect(await render(`{{ "It's a lovely day!" | scan: "(bucolic|lovely|day)" | map: "captures" | json }}`)).toBe(
      '[["lovely"],["day"]]',
    );
    expect(
      await render(`{{ "It's a lovely day!" | scan: "(?<punctuation>[[:punct:]])" | map: "named_captures" | json }}`),
    ).toBe('[{"punctuation":"\'"},{"punctuation":"!"}]');
    expect(await render(`{{ "abc" | match: "x" | json }}`)).toBe("null");
    expect(await failure(`{{ "abc" | match: "(" }}`)).toContain("invalid regular expression");
  });
});

describe("arrays and hashes", () => {
  it.each([
    [`{{ variants | where: "vendor", "x" | map: "sku" | join: "," }}`, "ONE,THREE"],
    // Ruby Liquid compares the property with ==: an array property does not match one of its items.
    [`{{ variants | where: "tags", "b" | map: "sku" | join: "," }}`, ""],
    [`{{ variants | where: "price", ">=", 10 | map: "sku" | join: "," }}`, "TWO,THREE"],
    [`{{ variants | where: "price", "<", 10 | map: "sku" | join: "," }}`, "ONE"],
    [`{{ variants | where: "vendor", "!=", "x" | map: "sku" | join: "," }}`, "TWO"],
    [`{{ variants | where: "sku", "contains", "T" | map: "sku" | join: "," }}`, "TWO,THREE"],
    [`{{ variants | where: "tags" | size }}`, "3"],
    [`{{ variants | sum: "price" }}`, "30.5"],
    [`{{ variants | map: "id" | sum }}`, "91346"],
    [`{{ variants | index_by: "sku" | keys | join: "," }}`, "ONE,TWO,THREE"],
    [`{% assign by = variants | index_by: "sku" %}{{ by.TWO.id }}`, "67890"],
    [
      `{% assign g = variants | group_by: "vendor" %}{{ g.x | map: "sku" | join: "," }}|{{ g | keys | join: "," }}`,
      "ONE,THREE|x,y",
    ],
    [`{{ "one,two,three" | split: "," | push: "four", "five" | join: newline }}`, "one\ntwo\nthree\nfour\nfive"],
    [`{{ "two,three" | split: "," | unshift: "zero", "one" | join: "," }}`, "zero,one,two,three"],
    [`{{ "1,2,3,4,5" | split: "," | in_groups_of: 2 | json }}`, '[["1","2"],["3","4"],["5",null]]'],
    [`{{ "1,2,3,4,5" | split: "," | in_groups_of: 2, fill_with: false | json }}`, '[["1","2"],["3","4"],["5"]]'],
    [`{{ "1,2,3" | split: "," | in_groups: 2 | json }}`, '[["1","2"],["3",null]]'],
    [`{{ "1,2,3" | split: "," | in_groups: 2, fill_with: false | json }}`, '[["1","2"],["3"]]'],
    [`{{ "1,2,3,4,5" | split: "," | slice: 3 }}`, "4"],
    [`{{ "1,2,3,4,5" | split: "," | slice: 3, 2 | join: "," }}`, "4,5"],
    [`{{ "1,2,3,4,5" | split: "," | slice: -3, 2 | join: "," }}`, "3,4"],
    [`{{ h | slice: "bar", "baz" | json }}`, '{"bar":"bar","baz":"baz"}'],
    [`{{ h | except: "bar", "baz" | json }}`, '{"qux":"qux"}'],
    [`{{ h | keys | json }}`, '["bar","baz","qux"]'],
    [`{{ h | values | json }}`, '["bar","baz","qux"]'],
    [`{{ withNil | compact | json }}`, '{"bar":"baz"}'],
    [`{{ list | compact | json }}`, "[1,2]"],
    [`{{ h | size }}|{{ h.size }}`, "3|3"],
    [
      `{{ "order #10.b,Order #10.a,Order #2.c,order #2.d" | split: "," | sort_naturally | join: ", " }}`,
      "Order #2.c, Order #10.a, order #2.d, order #10.b", // as Mechanic's reference shows
    ],
  ])("%s -> %s", async (source, expected) => {
    const scope = {
      variants,
      h: { bar: "bar", baz: "baz", qux: "qux" },
      withNil: { bar: "baz", qux: null },
      list: [1, null, 2],
    };
    expect(await render(source, scope)).toBe(expected);
  });

  it("refuses unknown where operators and bad group sizes", async () => {
    expect(await failure(`{{ v | where: "a", "=~", 1 }}`, { v: [] })).toContain("unknown operator");
    expect(await failure(`{{ v | in_groups_of: 0 }}`, { v: [1] })).toContain("positive integer");
  });

  it("keeps pushes by value (the original array is unchanged)", async () => {
    expect(
      await render(`{% assign a = "x" | split: "," %}{% assign b = a | push: "y" %}{{ a | size }}{{ b | size }}`),
    ).toBe("12");
  });
});

describe("date extensions", () => {
  it("supports 'now', relative expressions and %s", async () => {
    const before = Math.floor(Date.now() / 1000);
    const now = Number(await render(`{{ "now" | date: "%s" }}`));
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(before + 2);
    const inFiveDays = Number(await render(`{{ "now + 5 days" | date: "%s" }}`));
    expect(inFiveDays - now).toBeGreaterThanOrEqual(5 * 86400 - 2);
    expect(inFiveDays - now).toBeLessThanOrEqual(5 * 86400 + 2);
    const weeksAgo = Number(await render(`{{ "now - 5 weeks" | date: "%s" }}`));
    expect(now - weeksAgo).toBeGreaterThanOrEqual(35 * 86400 - 2);
  });

  it("applies advance left to right with calendar months", async () => {
    expect(await render(`{{ "2023-01-31" | date: "%F", advance: "1 year 1 month" }}`)).toBe("2024-02-29");
    expect(
      await render(`{{ "2023-01-01T12:00:00Z" | date: "%F %T", advance: "-3 hours, +2 minutes, -1 second" }}`),
    ).toBe("2023-01-01 09:01:59");
    expect(await failure(`{{ "now" | date: advance: "3 fortnights" }}`)).toContain("invalid date advance");
  });

  it("applies boundaries in the chosen zone", async () => {
    const at = "2024-05-15T15:30:00Z";
    expect(await render(`{{ t | date: "%F %T", beginning_of_day: true }}`, { t: at })).toBe("2024-05-15 00:00:00");
    expect(await render(`{{ t | date: "%F %T", end_of_month: true }}`, { t: at })).toBe("2024-05-31 23:59:59");
    expect(await render(`{{ t | date: "%F", beginning_of_week: "sunday" }}`, { t: at })).toBe("2024-05-12");
    expect(await render(`{{ t | date: "%F", beginning_of_week: "monday" }}`, { t: at })).toBe("2024-05-13");
    expect(await render(`{{ t | date: "%F", end_of_quarter: true }}`, { t: at })).toBe("2024-06-30");
    expect(await render(`{{ t | date: "%F %T %z", tz: "Asia/Tokyo", beginning_of_day: true }}`, { t: at })).toBe(
      "2024-05-16 00:00:00 +0900",
    );
  });

  it("reads zoneless input in the shop's zone and converts with tz:", async () => {
    expect(await render(`{{ "2000-01-01" | date: "%Y-%m-%d %H:%M %z" }}`, {}, "America/Chicago")).toBe(
      "2000-01-01 00:00 -0600",
    );
    expect(await render(`{{ "2000-01-01" | date }}`, {}, "America/Chicago")).toBe("2000-01-01T00:00:00-06:00");
    expect(await render(`{{ "2000-01-01" | date: tz: "UTC" }}`, {}, "America/Chicago")).toBe("2000-01-01T06:00:00Z");
    expect(await failure(`{{ "now" | date: tz: "Mars/Olympus" }}`)).toContain("unknown time zone");
  });

  it("parses with parse_date", async () => {
    expect(await render(`{{ "01-01-20" | parse_date: "%m-%d-%y" }}`, {}, "Australia/Sydney")).toBe(
      "2020-01-01T00:00:00+11:00",
    );
    expect(await render(`{{ "01-01-20" | parse_date: "%m-%d-%y" | date: "%Y-%m-%d" }}`, {}, "Australia/Sydney")).toBe(
      "2020-01-01",
    );
    expect(await render(`{{ "ab-cd-ef" | parse_date: "%m-%d-%y" | json }}`)).toBe("null");
  });
});
