// Conformance with Shopify's Liquid (examples from shopify.dev/docs/api/liquid and
// shopify.github.io/liquid) and the engine's limits and caching.
import { describe, expect, it } from "vitest";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";

const engine = createLiquidEngine();

async function render(source: string, scope: Record<string, unknown> = {}): Promise<string> {
  return (await engine.render(source, scope)).output;
}

async function renderError(
  source: string,
  scope: Record<string, unknown> = {},
  limits = {},
): Promise<LiquidScriptError> {
  const local = createLiquidEngine({ limits });
  try {
    await local.render(source, scope);
  } catch (error) {
    expect(error).toBeInstanceOf(LiquidScriptError);
    return error as LiquidScriptError;
  }
  throw new Error(`expected ${source} to fail`);
}

describe("numbers behave like Ruby", () => {
  it.each([
    ["{{ 4 | divided_by: 2 }}", "2"],
    ["{{ 16 | divided_by: 4 }}", "4"],
    ["{{ 5 | divided_by: 3 }}", "1"],
    ["{{ 20 | divided_by: 7 }}", "2"],
    ["{{ 20 | divided_by: 7.0 }}", "2.857142857142857"],
    ["{% assign my_integer = 7 %}{{ 20 | divided_by: my_integer }}", "2"],
    [
      "{% assign my_integer = 7 %}{% assign my_float = my_integer | times: 1.0 %}{{ 20 | divided_by: my_float }}",
      "2.857142857142857",
    ],
    ["{{ 6.0 | divided_by: 2 }}", "3.0"],
    ["{{ -7 | divided_by: 2 }}", "-4"],
    ["{{ 3 | divided_by: 5 | ceil }}", "0"],
    ["{{ 3.0 | divided_by: 5 | ceil }}", "1"],
    ["{{ 4 | plus: 2 }}", "6"],
    ["{{ 183.357 | plus: 12 }}", "195.357"],
    ["{{ 183.357 | minus: 12 }}", "171.357"],
    ["{{ 24 | times: 7 }}", "168"],
    ["{{ 183.357 | times: 12 }}", "2200.284"],
    ["{{ 1.5 | times: 2 }}", "3.0"],
    ["{{ 3 | modulo: 2 }}", "1"],
    ["{{ 24 | modulo: 7 }}", "3"],
    ["{{ -7 | modulo: 3 }}", "2"],
    ["{{ 183.357 | modulo: 12 }}", "3.357"],
    ["{{ -17 | abs }}", "17"],
    ['{{ "-19.86" | abs }}', "19.86"],
    ["{{ 4 | at_least: 5 }}", "5"],
    ["{{ 4 | at_least: 3 }}", "4"],
    ["{{ 4 | at_most: 3 }}", "3"],
    ["{{ 1.2 | ceil }}", "2"],
    ["{{ 2.0 | ceil }}", "2"],
    ["{{ 183.357 | ceil }}", "184"],
    ['{{ "3.5" | ceil }}', "4"],
    ["{{ 1.2 | floor }}", "1"],
    ["{{ -1.2 | floor }}", "-2"],
    ["{{ 1.2 | round }}", "1"],
    ["{{ 2.7 | round }}", "3"],
    ["{{ 2.5 | round }}", "3"],
    ["{{ -2.5 | round }}", "-3"],
    ["{{ 183.357 | round: 2 }}", "183.36"],
    ["{{ 3.0 }}", "3.0"],
    ["{{ 0.1 | plus: 0.2 }}", "0.3"],
    ["{{ 10000000000.0 | times: 1000000000 }}", "1.0e+19"],
    ["{{ 0.00001 | times: 2 }}", "2.0e-05"],
    ['{{ "3.0" | plus: 0 }}', "3.0"],
    ['{{ "3" | plus: 0 }}', "3"],
    ['{{ "abc" | plus: 1 }}', "1"],
  ])("%s -> %s", async (source, expected) => {
    expect(await render(source)).toBe(expected);
  });

  it("fails integer division by zero with Liquid's message", async () => {
    const error = await renderError("{{ 1 | divided_by: 0 }}");
    expect(error.message).toContain("divided by 0");
  });

  it("keeps 64-bit integers exact in arithmetic, output, json and comparisons", async () => {
    const id = 9007199254740993n; // 2^53 + 1
    const scope = { id, data: { id } };
    expect(await render("{{ id }}", scope)).toBe("9007199254740993");
    expect(await render("{{ id | plus: 1 }}", scope)).toBe("9007199254740994");
    expect(await render("{{ data | json }}", scope)).toBe('{"id":9007199254740993}');
    expect(await render("{% if id > 9007199254740992 %}yes{% endif %}", scope)).toBe("yes");
    expect(await render("{% if id == 9007199254740993 %}eq{% endif %}", scope)).toBe("eq");
    expect(await render("{% if id == 9007199254740992 %}eq{% else %}ne{% endif %}", scope)).toBe("ne");
    expect(await render("{% if 1 == 1.0 %}same{% endif %}")).toBe("same");
    expect(
      await render("{% case id %}{% when 9007199254740992 %}near{% when 9007199254740993 %}exact{% endcase %}", scope),
    ).toBe("exact");
    expect(await render("{% case 1 %}{% when 1.0 %}one{% else %}other{% endcase %}")).toBe("one");
    expect(await render("{% case 'x' %}{% when 'a', 'b' %}ab{% else %}other{% endcase %}")).toBe("other");
  });

  it("compares strings with numbers as Liquid does: an error, not a JS coercion", async () => {
    const error = await renderError("{% if '10' > 9 %}x{% endif %}");
    expect(error.message).toContain("comparison of String with 9 failed");
    expect(await render("{% if nil > 1 %}x{% else %}no{% endif %}")).toBe("no");
  });
});

describe("strings, escaping and nil", () => {
  it.each([
    [
      "{{ \"Have you read 'James & the Giant Peach'?\" | escape }}",
      "Have you read &#39;James &amp; the Giant Peach&#39;?",
    ],
    ["{{ '<p>\"hi\"</p>' | escape }}", "&lt;p&gt;&quot;hi&quot;&lt;/p&gt;"],
    ['{{ "a\\nb" }}', "a\\nb"],
    ['{{ "1 < 2 &amp; 3" | escape_once }}', "1 &lt; 2 &amp; 3"],
    ['{{ "john@liquid.com" | url_encode }}', "john%40liquid.com"],
    ['{{ "Tetsuro Takara" | url_encode }}', "Tetsuro+Takara"],
    ['{{ "%27Stop%21%27+said+Fred" | url_decode }}', "'Stop!' said Fred"],
    ['{{ "one two three" | base64_encode }}', "b25lIHR3byB0aHJlZQ=="],
    ['{{ "b25lIHR3byB0aHJlZQ==" | base64_decode }}', "one two three"],
    ['{{ "Liquid" | slice: 0 }}', "L"],
    ['{{ "Liquid" | slice: 2, 5 }}', "quid"],
    ['{{ "Liquid" | slice: -3, 2 }}', "ui"],
    ["[{{ nil }}]", "[]"],
    ["[{{ missing.deeply.nested }}]", "[]"],
    ['{{ nil | default: "fallback" }}', "fallback"],
    ['{{ "" | size }}', "0"],
  ])("%s -> %s", async (source, expected) => {
    expect(await render(source)).toBe(expected);
  });

  it("prints a hash the way Ruby inspects it", async () => {
    expect(await render("{{ h }}", { h: { a: 1, b: "x", c: null } })).toBe('{"a"=>1, "b"=>"x", "c"=>nil}');
    expect(await render("{% capture c %}{{ h }} {{ 2.0 }}{% endcapture %}{{ c }}", { h: { a: 1 } })).toBe(
      '{"a"=>1} 2.0',
    );
  });
});

describe("blank and empty", () => {
  it.each([
    ["{% if '' == empty %}y{% endif %}", "y"],
    ["{% if list == empty %}y{% endif %}", "y"],
    ["{% if h == empty %}y{% endif %}", "y"],
    ["{% if 'x' == empty %}y{% else %}n{% endif %}", "n"],
    ["{% if '   ' == blank %}y{% endif %}", "y"],
    ["{% if nil == blank %}y{% endif %}", "y"],
    ["{% if false == blank %}y{% endif %}", "y"],
    ["{% if list == blank %}y{% endif %}", "y"],
    ["{% if 'a' == blank %}y{% else %}n{% endif %}", "n"],
    ["{% unless full == empty %}has items{% endunless %}", "has items"],
  ])("%s", async (source, expected) => {
    expect(await render(source, { list: [], h: {}, full: [1] })).toBe(expected);
  });

  it("treats only nil and false as falsy (0 and '' are truthy)", async () => {
    expect(
      await render("{% if 0 %}a{% endif %}{% if '' %}b{% endif %}{% if nil %}c{% endif %}{% if false %}d{% endif %}"),
    ).toBe("ab");
  });
});

describe("tablerow", () => {
  it("matches Shopify's markup, newlines included", async () => {
    expect(await render("{% tablerow n in (1..3) cols:2 %}{{ n }}{% endtablerow %}")).toBe(
      '<tr class="row1">\n<td class="col1">1</td><td class="col2">2</td></tr>\n<tr class="row2"><td class="col1">3</td></tr>\n',
    );
  });
  it("prints an empty row for an empty collection", async () => {
    expect(await render("{% tablerow n in list %}{{ n }}{% endtablerow %}", { list: [] })).toBe(
      '<tr class="row1">\n</tr>\n',
    );
  });
});

describe("date (strict strftime)", () => {
  it.each([
    ['{{ "March 14, 2016" | date: "%b %d, %y" }}', "Mar 14, 16"],
    ['{{ "2015-07-17T10:05:09Z" | date: "%a, %b %d, %y" }}', "Fri, Jul 17, 15"],
    ['{{ "2015-07-17T10:05:09Z" | date: "%Y-%m-%d %H:%M:%S %z %Z" }}', "2015-07-17 10:05:09 +0000 UTC"],
    [
      '{{ "2015-07-07T09:05:09Z" | date: "%-d/%-m %e|%k|%l|%I %p %P %j %A %B" }}',
      "7/7  7| 9| 9|09 AM am 188 Tuesday July",
    ],
    ['{{ "2015-07-07T09:05:09Z" | date: "%^a %10A|%-5d|%05d|%%|%Q" }}', "TUE    Tuesday|7|00007|%|%Q"],
    [
      '{{ "2015-07-07T09:05:09Z" | date: "%F %T %D %R %r %s" }}',
      "2015-07-07 09:05:09 07/07/15 09:05 09:05:09 AM 1436259909",
    ],
    ['{{ "2021-01-03" | date: "%G-W%V-%u %U %W" }}', "2020-W53-7 01 00"],
    ['{{ 0 | date: "%Y" }}', "1970"],
    ['{{ "1436259909" | date: "%F" }}', "2015-07-07"],
    ['{{ "not a date" | date: "%F" }}', "not a date"],
    ['{{ "2015-07-07T09:05:09Z" | date: "%Y %q" }}', "2015 %q"],
  ])("%s -> %s", async (source, expected) => {
    expect(await render(source)).toBe(expected);
  });
});

describe("Mechanic keyword literals and assign", () => {
  it("builds arrays and hashes with array, hash and indexed assign", async () => {
    const source = `{% assign x = array %}{% assign x[0] = "one" %}{% assign x[x.size] = "two" %}{% assign i = 2 %}{% assign x[i] = "three" %}{{ x | json }}`;
    expect(await render(source)).toBe('["one","two","three"]');
    const hashSource = `{% assign x = hash %}{% assign x["one"] = 1 %}{% assign x["two"] = 2 %}{% assign k = "three" %}{% assign x[k] = 3 %}{{ x | json }}`;
    expect(await render(hashSource)).toBe('{"one":1,"two":2,"three":3}');
  });

  it("assigns into nested hashes and arrays", async () => {
    const source = `{% assign inputs = hash %}{% assign inputs["a"] = hash %}{% assign inputs["a"]["id"] = "gid://x" %}{% assign inputs["list"] = array %}{% assign inputs["list"][1] = 2 %}{{ inputs | json }}`;
    expect(await render(source)).toBe('{"a":{"id":"gid://x"},"list":[null,2]}');
  });

  it("assigns by value: later changes do not leak into earlier copies", async () => {
    const source = `{% assign foo = "bar" %}{% assign x = hash %}{% assign x["foo"] = foo %}{% assign foo = "qux" %}{% assign y = x %}{% assign x["foo"] = "changed" %}{{ y.foo }} {{ x.foo }} {{ hash | json }}`;
    expect(await render(source)).toBe("bar changed {}");
  });

  it("refuses to assign into something that is not a hash or array", async () => {
    const error = await renderError(`{% assign s = "text" %}{% assign s["k"] = 1 %}`);
    expect(error.message).toContain("not an array or hash");
    const arrayError = await renderError(`{% assign a = array %}{% assign a["k"] = 1 %}`);
    expect(arrayError.message).toContain("array index must be an integer");
  });

  it("joins with newline", async () => {
    expect(await render(`{{ "a,b,c" | split: "," | join: newline }}`)).toBe("a\nb\nc");
  });
});

describe("limits and hostile scripts", () => {
  it("stops a loop over a billion items (memory limit on the range)", async () => {
    const error = await renderError("{% for i in (1..1000000000) %}x{% endfor %}");
    expect(error.message).toMatch(/memory limit exceeded/);
    expect(error.phase).toBe("render");
  });

  it("stops long-running loops with the render time limit", async () => {
    const started = Date.now();
    const error = await renderError(
      "{% for i in (1..100000) %}{% for j in (1..100000) %}{% assign k = j %}{% endfor %}{% endfor %}",
      {},
      { renderLimitMs: 200, timeoutMs: 2000 },
    );
    expect(error.message).toMatch(/render time limit exceeded \(200 ms\)/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("bounds output size", async () => {
    const error = await renderError("{% for i in (1..100000) %}xxxxxxxxxx{% endfor %}", {}, { outputBytes: 10_000 });
    expect(error.message).toContain("output limit exceeded");
  });

  it("bounds string growth through filters", async () => {
    const error = await renderError(
      `{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}`,
      {},
      { memoryLimit: 1_000_000 },
    );
    expect(error.message).toMatch(/memory limit exceeded/);
  });

  it("refuses scripts longer than the parse limit", async () => {
    const error = await renderError("x".repeat(2000), {}, { parseLimit: 1000 });
    expect(error.phase).toBe("parse");
    expect(error.message).toContain("parse limit exceeded");
  });

  it("handles nesting up to Ruby Liquid's limit of 100 blocks", async () => {
    const depth = 100;
    const source = "{% if true %}".repeat(depth) + "deep" + "{% endif %}".repeat(depth);
    expect(await render(source)).toBe("deep");
  });

  it("has no file system: include, render and layout are refused", async () => {
    for (const tag of ["{% include 'x' %}", "{% render 'x' %}", "{% layout 'x' %}", "{% include '/etc/passwd' %}"]) {
      const error = await renderError(tag);
      expect(error.phase).toBe("parse");
      expect(error.message).toMatch(/not available in tasks/);
    }
  });

  it("reports syntax errors with their position", async () => {
    const error = await renderError("line one\n{% if %}");
    expect(error.phase).toBe("parse");
    expect(error.message).toMatch(/Liquid syntax error/);
    const unknownFilter = await renderError("{{ 'a' | no_such_filter }}");
    expect(unknownFilter.message).toContain("undefined filter: no_such_filter");
  });

  it("does not let json of a self-referencing structure hang", async () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    const error = await renderError("{{ loop | json }}", { loop });
    expect(error.message).toContain("circular");
  });
});

describe("template cache", () => {
  it("reuses a parsed template for the same key and source, and re-parses when the source changes", async () => {
    const local = createLiquidEngine();
    const first = local.parse("{{ 1 }}", "task-1:v1");
    expect(local.parse("{{ 1 }}", "task-1:v1")).toBe(first);
    const changed = local.parse("{{ 2 }}", "task-1:v1");
    expect(changed).not.toBe(first);
    expect((await local.render("{{ 2 }}", {}, { cacheKey: "task-1:v1" })).output).toBe("2");
  });

  it("evicts the least recently used entries", () => {
    const local = createLiquidEngine({ templateCacheSize: 2 });
    const a = local.parse("a", "a");
    local.parse("b", "b");
    local.parse("a", "a");
    local.parse("c", "c");
    expect(local.parse("a", "a")).toBe(a);
    expect(local.parse("b", "b")).not.toBe(local.parse("b", "other"));
  });
});
