// The theme app extension's block (extensions/hookline-metafield/blocks/metafield-result.liquid),
// rendered with the storefront Liquid emulation for each state a customer can see.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  blockSettings,
  metafieldLiquidValue,
  parseBlockSchema,
  renderBlock,
  type BlockRenderInput,
  type StorefrontMetafield,
} from "~/local-store/storefront/liquid";

const SOURCE = readFileSync("extensions/hookline-metafield/blocks/metafield-result.liquid", "utf8");
const SCHEMA = parseBlockSchema(SOURCE);
const WEBHOOK = "http://localhost:3100/webhook/8d0c2f4e-1b7a-4c51-9e0f-2a3b4c5d6e7f";

function input(
  overrides: Partial<BlockRenderInput> & {
    metafields?: StorefrontMetafield[];
    query?: Record<string, string>;
    loggedIn?: boolean;
  } = {},
): BlockRenderInput {
  const { metafields = [], query = {}, loggedIn = true, ...rest } = overrides;
  return {
    source: SOURCE,
    customer: loggedIn
      ? { id: 1001, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", tags: [], metafields }
      : null,
    shop: {
      name: "Demo Store",
      domain: "demo-store.myshopify.com",
      email: "owner@demo-store.example",
      currencyCode: "USD",
    },
    settings: blockSettings(SCHEMA, new URLSearchParams({ webhook_url: WEBHOOK, ...query })),
    blockId: "block-1",
    sectionId: "template--1__main",
    assetBaseUrl: "/assets",
    routes: { accountLoginUrl: "/account/login", rootUrl: "/" },
    ...rest,
  };
}

function json(value: string, key = "webhook_data", namespace = "hookline"): StorefrontMetafield {
  return { namespace, key, type: "json", value };
}

function stateOf(html: string): string | undefined {
  return /data-state="([^"]+)"/.exec(html)?.[1];
}

describe("a visitor who is not logged in", () => {
  it("sees a prompt to log in, and nothing that could post", async () => {
    const html = await renderBlock(input({ loggedIn: false }));
    expect(stateOf(html)).toBe("logged-out");
    expect(html).toContain("Log in to get your result.");
    expect(html).toContain('<a href="/account/login">Log in</a>');
    expect(html).not.toContain("data-hookline-form");
    expect(html).not.toContain("data-webhook-url");
    expect(html).not.toContain("data-customer-id");
    expect(html).not.toContain("metafield-result.js");
  });
});

describe("a logged-in customer without the metafield", () => {
  it("sees the button, wired to the webhook, the customer and the section for polling", async () => {
    const html = await renderBlock(input());
    expect(stateOf(html)).toBe("idle");
    expect(html).toMatch(
      /<button class="hookline-result__button button" type="submit" data-hookline-button>Get my result<\/button>/,
    );
    expect(html).toContain('data-customer-id="1001"');
    expect(html).toContain(`data-webhook-url="${WEBHOOK}"`);
    expect(html).toContain('data-section-id="template--1__main"');
    expect(html).toContain('data-hookline-block="block-1"');
    expect(html).toContain('data-poll-interval="2"');
    expect(html).toContain('data-timeout="30"');
    expect(html).toContain('<script src="/assets/metafield-result.js" defer></script>');
    expect(html).toContain('role="status" aria-live="polite"');
    expect(html).not.toContain("endschema");
    expect(html).not.toContain('"settings"');
  });

  it("uses the block's settings: label, text field, interval and timeout", async () => {
    const html = await renderBlock(
      input({
        query: { button_label: "Check my <points>", input_label: "Order number", poll_interval: "3", timeout: "15" },
      }),
    );
    expect(html).toContain(">Check my &lt;points&gt;</button>");
    expect(html).toContain('<label class="hookline-result__label" for="hookline-input-block-1">Order number</label>');
    expect(html).toContain('name="message"');
    expect(html).toContain('data-poll-interval="3"');
    expect(html).toContain('data-timeout="15"');
  });

  it("escapes a hostile webhook URL setting inside the attribute", async () => {
    const html = await renderBlock(input({ query: { webhook_url: 'https://x.example/"><script>alert(1)</script>' } }));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain('data-webhook-url="https://x.example/&quot;&gt;&lt;script&gt;');
  });

  it("with a signing secret, carries the HMAC-SHA256 of the customer id (rendered server-side, never the secret)", async () => {
    const { createHmac } = await import("node:crypto");
    const html = await renderBlock(input({ query: { customer_signing_secret: "s3cret" } }));
    const expected = createHmac("sha256", "s3cret").update("1001").digest("hex");
    expect(html).toContain(`data-customer-signature="${expected}"`);
    expect(html).not.toContain("s3cret");
    expect(await renderBlock(input())).not.toContain("data-customer-signature");
    expect(await renderBlock(input({ loggedIn: false, query: { customer_signing_secret: "s3cret" } }))).not.toContain(
      "data-customer-signature",
    );
  });

  it("says the block is not configured when the webhook URL is missing", async () => {
    const html = await renderBlock(input({ query: { webhook_url: "  " } }));
    expect(stateOf(html)).toBe("unconfigured");
    expect(html).not.toContain("data-hookline-form");
    expect(html).toContain("needs a Hookline webhook URL");
  });

  it("ignores metafields under another namespace or key", async () => {
    const html = await renderBlock(
      input({ metafields: [json('{"a":1}', "other_key"), json('{"a":1}', "webhook_data", "elsewhere")] }),
    );
    expect(stateOf(html)).toBe("idle");
  });
});

describe("a logged-in customer with the metafield present", () => {
  it("renders a JSON object, escaped, and no button", async () => {
    const html = await renderBlock(input({ metafields: [json('{"plan":"gold","note":"<script>alert(1)</script>"}')] }));
    expect(stateOf(html)).toBe("result");
    expect(html).toContain(
      "<pre>{&quot;plan&quot;:&quot;gold&quot;,&quot;note&quot;:&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}</pre>",
    );
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("data-hookline-form");
    expect(html).not.toContain("metafield-result.js");
  });

  it("keeps 64-bit integers exact", async () => {
    const html = await renderBlock(input({ metafields: [json('{"order_id":12345678901234567890}')] }));
    expect(html).toContain("12345678901234567890");
  });

  it("renders a JSON string as text, escaped", async () => {
    const html = await renderBlock(input({ metafields: [json('"Gold <b>member</b> & more"')] }));
    expect(stateOf(html)).toBe("result");
    expect(html).toContain("<p>Gold &lt;b&gt;member&lt;/b&gt; &amp; more</p>");
  });

  it("renders JSON numbers and booleans as text", async () => {
    expect(await renderBlock(input({ metafields: [json("42")] }))).toContain("<p>42</p>");
    expect(await renderBlock(input({ metafields: [json("false")] }))).toContain("<p>false</p>");
  });

  it("renders a text metafield as escaped text, even when it looks like JSON", async () => {
    const html = await renderBlock(
      input({
        metafields: [
          {
            namespace: "hookline",
            key: "webhook_data",
            type: "single_line_text_field",
            value: '{"x": <img src=x onerror=alert(1)>',
          },
        ],
      }),
    );
    expect(stateOf(html)).toBe("result");
    expect(html).toContain("<p>{&quot;x&quot;: &lt;img src=x onerror=alert(1)&gt;</p>");
  });

  it("reads the namespace and key named in the settings", async () => {
    const html = await renderBlock(
      input({
        query: { metafield_namespace: "loyalty", metafield_key: "points" },
        metafields: [json("120", "points", "loyalty")],
      }),
    );
    expect(stateOf(html)).toBe("result");
    expect(html).toContain("<p>120</p>");
  });
});

describe("a metafield that is present but malformed", () => {
  it("shows that the result could not be read, instead of polling or crashing", async () => {
    for (const value of ["{not json", '{"a":', "", "undefined"]) {
      const html = await renderBlock(input({ metafields: [json(value)] }));
      expect(stateOf(html), value).toBe("unreadable");
      expect(html).toContain("could not be read");
      expect(html).not.toContain("data-hookline-form");
    }
  });

  it("treats a number or boolean metafield that does not parse as unreadable too", async () => {
    const html = await renderBlock(
      input({ metafields: [{ namespace: "hookline", key: "webhook_data", type: "number_integer", value: "12abc" }] }),
    );
    expect(stateOf(html)).toBe("unreadable");
  });
});

describe("metafield values as Liquid sees them", () => {
  it("parses by type and gives nil when the text does not fit", () => {
    expect(metafieldLiquidValue("json", '{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(metafieldLiquidValue("json", "{bad")).toBeNull();
    expect(metafieldLiquidValue("list.single_line_text_field", '["a","b"]')).toEqual(["a", "b"]);
    expect(metafieldLiquidValue("number_integer", "12")).toBe(12);
    expect(metafieldLiquidValue("number_integer", "12345678901234567890")).toBe(12345678901234567890n);
    expect(metafieldLiquidValue("number_decimal", "1.5")).toBe(1.5);
    expect(metafieldLiquidValue("number_decimal", "x")).toBeNull();
    expect(metafieldLiquidValue("boolean", "true")).toBe(true);
    expect(metafieldLiquidValue("boolean", "yes")).toBeNull();
    expect(metafieldLiquidValue("single_line_text_field", "{bad")).toBe("{bad");
  });
});

describe("the block's schema", () => {
  it("declares an app block with the settings the issue names, and their defaults", () => {
    expect(SCHEMA.name).toBe("Hookline result");
    expect(SCHEMA.target).toBe("section");
    const ids = SCHEMA.settings.map((s) => s.id);
    for (const id of [
      "webhook_url",
      "metafield_namespace",
      "metafield_key",
      "button_label",
      "poll_interval",
      "timeout",
    ]) {
      expect(ids).toContain(id);
    }
    const defaults = blockSettings(SCHEMA, new URLSearchParams());
    expect(defaults).toMatchObject({
      metafield_namespace: "hookline",
      metafield_key: "webhook_data",
      poll_interval: 2,
      timeout: 30,
      webhook_url: "",
    });
  });

  it("keeps range settings within their bounds, as the theme editor does", () => {
    expect(blockSettings(SCHEMA, new URLSearchParams({ poll_interval: "0", timeout: "100000" }))).toMatchObject({
      poll_interval: 1,
      timeout: 120,
    });
    expect(blockSettings(SCHEMA, new URLSearchParams({ poll_interval: "abc" }))).toMatchObject({ poll_interval: 2 });
  });

  it("matches the defaults of the metafield task template and the install-time definition", async () => {
    const { findTaskTemplate } = await import("~/domain/tasks/templates");
    const template = findTaskTemplate("customer-metafield")!;
    const defaults = blockSettings(SCHEMA, new URLSearchParams());
    expect(defaults.metafield_namespace).toBe(template.draft.options.metafield_namespace__required);
    expect(defaults.metafield_key).toBe(template.draft.options.metafield_key__required);
  });

  it("refuses a block without a schema", () => {
    expect(() => parseBlockSchema("<p>no schema</p>")).toThrow(/no \{% schema %\}/);
    expect(() => parseBlockSchema("{% schema %}{bad{% endschema %}")).toThrow();
  });
});
