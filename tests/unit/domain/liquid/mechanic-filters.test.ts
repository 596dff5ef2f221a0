// Mechanic's filters beyond Shopify's, with the examples of Mechanic's Liquid reference
// (platform/liquid/filters and its deprecated list) as expectations.
import { createVerify, generateKeyPairSync } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createLiquidEngine, LiquidScriptError } from "~/domain/liquid/engine";
import type { RenderState } from "~/domain/liquid/state";

const engine = createLiquidEngine();

async function render(
  source: string,
  scope: Record<string, unknown> = {},
  state: Partial<RenderState> = {},
): Promise<string> {
  return (await engine.render(source, scope, { state })).output;
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

describe("tag filters (deprecated, still used by library tasks)", () => {
  it.each([
    ['{{ "a, b" | add_tag: "c" }}', "a, b, c"],
    ['{{ "a, b, e" | add_tags: "c", "d" }}', "a, b, c, d, e"],
    ['{{ "a, b, e" | add_tags: "c", "d", sort: false }}', "a, b, e, c, d"],
    ['{{ "a, b, c" | remove_tag: "b" }}', "a, c"],
    ['{{ "a, b, c" | remove_tags: "a", "c" }}', "b"],
    ['{{ "a,b,e" | split: "," | add_tags: "c", "d" | join: "-" }}', "a-b-c-d-e"],
    ['{{ "a,b,c,d,e" | split: "," | remove_tags: "c", "d" | join: "-" }}', "a-b-e"],
    ['{{ "VIP, vip" | add_tag: "vip" }}', "VIP, vip"],
    ['{{ nil | add_tag: "new" }}', "new"],
  ])("%s -> %s", async (source, expected) => {
    expect(await render(source)).toBe(expected);
  });
});

describe("browser", () => {
  it("reads a user agent as Mechanic's reference shows", async () => {
    const agent =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/79.0.259819395 Mobile/16G77 Safari/604.1";
    const source = `{% assign browser = agent | browser %}{{ browser }}|{{ browser.name }}|{{ browser.version }}|{{ browser.version.major }}|{{ browser.version.minor }}|{{ browser.os }}|{{ browser.os.name }}|{{ browser.os.version }}|{{ browser.os.version.major }}|{{ browser.os.version.minor }}|{{ browser.device }}|{{ browser.device.name }}|{{ browser.device.brand }}|{{ browser.device.model }}`;
    expect(await render(source, { agent })).toBe(
      "Google 79.0.259819395|Google|79.0.259819395|79|0|iOS 12.4|iOS|12.4|12|4|iPhone|iPhone|Apple|iPhone",
    );
    expect(await render("{{ '' | browser | json }}")).toBe(
      '{"name":null,"version":null,"os":{"name":null,"version":null},"device":{"name":null,"brand":null,"model":null}}',
    );
  });
});

describe("strings", () => {
  it("e164 needs the country code and gives nil for what is not a phone number", async () => {
    expect(await render('{{ "1 (312) 456-7890" | e164 }}')).toBe("13124567890");
    expect(await render('{{ "+43 670 1234567890" | e164 }}')).toBe("436701234567890");
    expect(await render('{{ "000" | e164 | json }}')).toBe("null");
    expect(await render('{{ "" | e164 | json }}')).toBe("null");
  });

  it("url_escape keeps URL characters, url_param_escape also escapes &", async () => {
    expect(await render(`{{ '<p>Health & Love potions</p>' | url_escape }}`)).toBe(
      "%3Cp%3EHealth%20&%20Love%20potions%3C/p%3E",
    );
    expect(await render(`{{ '<p>Health & Love potions</p>' | url_param_escape }}`)).toBe(
      "%3Cp%3EHealth%20%26%20Love%20potions%3C/p%3E",
    );
    expect(await render(`{{ 'é?a=b#c' | url_param_escape }}`)).toBe("%C3%A9?a=b#c");
  });

  it("rsa_sha256 and rsa_sha512 sign with a PEM key (hex, or bytes with binary: true)", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const [filter, algorithm] of [
      ["rsa_sha256", "RSA-SHA256"],
      ["rsa_sha512", "RSA-SHA512"],
    ]) {
      const hex = await render(`{{ "header.payload" | ${filter}: pem }}`, { pem });
      expect(createVerify(algorithm).update("header.payload").verify(publicKey, Buffer.from(hex, "hex"))).toBe(true);
      const base64 = await render(`{{ "header.payload" | ${filter}: pem, binary: true | base64_encode }}`, { pem });
      expect(Buffer.from(base64, "base64").toString("hex")).toBe(hex);
    }
    expect(await failure(`{{ "x" | rsa_sha256: "not a key" }}`)).toContain("rsa_sha256");
  });
});

describe("gzip, gunzip, decode_base64 force_utf8", () => {
  it("round-trips and decodes Mechanic's examples", async () => {
    expect(await render('{{ "testing" | gzip | gunzip }}')).toBe("testing");
    expect(
      await render('{{ "H4sIANAafl8AA8tIzcnJVyjPL8pJAQCFEUoNCwAAAA==" | decode_base64: force_utf8: false | gunzip }}'),
    ).toBe("hello world");
    const slow = "H4sIACP1fV8AAyvPSCxRSMlPLVbILFHITU3MUyjJV0hKVXjUMKc4J7/8UcNcewAYP+lTIwAAAA==";
    expect(await render(`{{ s | decode_base64: force_utf8: false | gunzip }}`, { s: slow })).toBe(
      "what does it mean to be “slow”?",
    );
    // force_utf8: false keeps the bytes: printed as Latin-1, re-encoded as the same bytes.
    expect(
      await render(`{{ s | decode_base64: force_utf8: false | gunzip: force_utf8: false | base64_encode }}`, {
        s: slow,
      }),
    ).toBe(Buffer.from("what does it mean to be “slow”?").toString("base64"));
    expect(await render(`{{ "w6k=" | decode_base64 }}|{{ "w6k=" | decode_base64: force_utf8: false | size }}`)).toBe(
      "é|2",
    );
    expect(await failure(`{{ "not gzip" | gunzip }}`)).toContain("gunzip");
  });

  it("bounds what gunzip may expand to", async () => {
    const bomb = gzipSync(Buffer.alloc(30_000_000)).toString("base64");
    expect(await failure(`{{ b | decode_base64 | gunzip }}`, { b: bomb })).toMatch(/gunzip|memory/);
  });
});

describe("parse_xml", () => {
  it("reads XML as Rails' Hash.from_xml", async () => {
    const xml = "<foo>\n  <bar>baz</bar>\n  <bar>\n    <qux>quux</qux>\n  </bar>\n</foo>";
    expect(await render("{{ xml | parse_xml | json }}", { xml })).toBe('{"foo":{"bar":["baz",{"qux":"quux"}]}}');
    const typed =
      '<order><id type="integer">12345678901234567890</id><total type="float">9.5</total><paid type="boolean">true</paid><note nil="true"/><empty></empty><items type="array"><item>a</item><item>b</item></items><tag kind="x">t &amp; u</tag></order>';
    expect(await render("{{ xml | parse_xml | json }}", { xml: typed })).toBe(
      '{"order":{"id":12345678901234567890,"total":9.5,"paid":true,"note":null,"empty":null,"items":["a","b"],"tag":{"__content__":"t & u","kind":"x"}}}',
    );
    expect(await failure("{{ '<a><b></a>' | parse_xml }}")).toContain("parse_xml");
  });

  it("does not expand DOCTYPE entities", async () => {
    const xml = '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>';
    expect(await render("{{ xml | parse_xml | json }}", { xml })).toBe('{"x":"&b;"}');
  });
});

describe("arrays", () => {
  it("sort_naturally orders as Mechanic's reference shows", async () => {
    const source = `{% assign set = "order #10.b,Order #10.a,Order #2.c,order #2.d" | split: "," %}{{ set | sort | join: ", " }}|{{ set | sort_natural | join: ", " }}|{{ set | sort_naturally | join: ", " }}`;
    expect(await render(source)).toBe(
      "Order #10.a, Order #2.c, order #10.b, order #2.d|Order #10.a, order #10.b, Order #2.c, order #2.d|Order #2.c, Order #10.a, order #2.d, order #10.b",
    );
    expect(
      await render(`{{ items | sort_naturally: "title" | map: "title" | join: "," }}`, {
        items: [{ title: "Item 10" }, { title: "Item 9" }, { title: "Item 1" }],
      }),
    ).toBe("Item 1,Item 9,Item 10");
  });

  it("sample gives one item, or a list of the given size", async () => {
    const one = await render(`{{ "1,2,3" | split: "," | sample }}`);
    expect(["1", "2", "3"]).toContain(one);
    const two = await render(`{{ "1,2,3" | split: "," | sample: 2 | join: "," }}`);
    expect(two.split(",")).toHaveLength(2);
    expect(new Set(two.split(",")).size).toBe(2);
  });
});

describe("money and currency", () => {
  it("currency formats as Mechanic's reference shows (store currency by default)", async () => {
    expect(
      await render(
        `{{ "100000.0" | currency }}|{{ 100000.0 | currency: "EUR" }}|{{ 100000 | currency: "EUR", locale: "fr" }}|{{ 100000 | currency: locale: "fr" }}`,
      ),
    ).toBe("$100,000.00|€100,000.00|€100 000,00|$100 000,00");
    expect(await render(`{{ 1234.5 | currency }}`, {}, { shop: { currency: "JPY" } })).toBe("¥1,235");
    expect(await render(`{{ "-19.999" | currency: "SEK" }}`)).toBe("-20.00 kr");
    expect(await failure(`{{ 1 | currency: "XYZ" }}`)).toContain("unknown currency");
  });

  it("money filters use the shop's formats, amounts in the currency's units", async () => {
    expect(
      await render(`{{ "254.98" | money }}|{{ 1234.5 | money_with_currency }}|{{ 5 | money_without_currency }}`),
    ).toBe("$254.98|$1,234.50 USD|5.00");
    const shop = {
      currency: "EUR",
      moneyFormat: "<span class=money>€{{amount_with_comma_separator}}</span>",
      moneyWithCurrencyFormat: "€{{amount_with_comma_separator}} EUR",
    };
    expect(
      await render(
        `{{ 1234.5 | money }}|{{ 1234.5 | money_with_currency }}|{{ 10 | money_without_trailing_zeros }}`,
        {},
        { shop },
      ),
    ).toBe("€1.234,50|€1.234,50 EUR|€10");
  });
});
