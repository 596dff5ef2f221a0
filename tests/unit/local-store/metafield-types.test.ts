// Metafield type names and value validation (pure functions, no server).
import { describe, expect, it } from "vitest";
import { isValidMetafieldType, validateMetafieldValue } from "~/local-store";
import { metafieldJsonValue } from "~/local-store/metafield-types";

describe("metafield types", () => {
  it("knows Shopify's types and list types, and nothing else", () => {
    for (const type of [
      "single_line_text_field",
      "multi_line_text_field",
      "number_integer",
      "number_decimal",
      "boolean",
      "json",
      "date",
      "date_time",
      "url",
      "color",
      "money",
      "rating",
      "weight",
      "volume",
      "dimension",
      "link",
      "rich_text_field",
      "customer_reference",
      "product_reference",
      "list.single_line_text_field",
      "list.number_integer",
      "list.product_reference",
    ]) {
      expect({ type, valid: isValidMetafieldType(type) }).toEqual({ type, valid: true });
    }
    for (const type of [
      "string",
      "integer",
      "json_string",
      "list.boolean",
      "list.json",
      "list.list.url",
      "",
      "Boolean",
    ]) {
      expect({ type, valid: isValidMetafieldType(type) }).toEqual({ type, valid: false });
    }
  });

  const accepted: [string, string][] = [
    ["single_line_text_field", "hello"],
    ["multi_line_text_field", "two\nlines"],
    ["number_integer", "-9007199254740991"],
    ["number_integer", "0"],
    ["number_decimal", "12.50"],
    ["number_decimal", "-0.000000001"],
    ["boolean", "false"],
    ["json", '{"a":[1,2]}'],
    ["json", "3"],
    ["date", "2024-02-29"],
    ["date_time", "2025-10-01T12:30:00Z"],
    ["date_time", "2025-10-01T12:30:00+02:00"],
    ["date_time", "2025-10-01T12:30"],
    ["url", "https://example.com/a?b=c"],
    ["url", "mailto:someone@example.com"],
    ["color", "#A1b2C3"],
    ["money", '{"amount":"5.99","currency_code":"USD"}'],
    ["rating", '{"value":"4.5","scale_min":"1","scale_max":"5"}'],
    ["weight", '{"value":2.5,"unit":"kg"}'],
    ["volume", '{"value":1,"unit":"ml"}'],
    ["dimension", '{"value":3,"unit":"cm"}'],
    ["link", '{"text":"Home","url":"https://example.com"}'],
    ["rich_text_field", '{"type":"root","children":[]}'],
    ["customer_reference", "gid://shopify/Customer/1001"],
    ["list.single_line_text_field", '["a","b"]'],
    ["list.number_integer", "[1, 2, 3]"],
    ["list.date", '["2025-01-01"]'],
  ];
  it.each(accepted)("accepts %s value %j", (type, value) => {
    expect(validateMetafieldValue(type, value)).toBeNull();
  });

  const refused: [string, string][] = [
    ["single_line_text_field", "a\nb"],
    ["number_integer", "1.0"],
    ["number_integer", "9007199254740992"],
    ["number_integer", "12abc"],
    ["number_decimal", "1e5"],
    ["number_decimal", "12345678901234.5"],
    ["boolean", "TRUE"],
    ["boolean", "1"],
    ["json", "{'a':1}"],
    ["date", "2023-02-29"],
    ["date", "01/02/2025"],
    ["date_time", "2025-10-01 12:30:00"],
    ["date_time", "2025-10-01T25:00:00Z"],
    ["url", "not a url"],
    ["url", "javascript:alert(1)"],
    ["color", "#abc"],
    ["money", '{"amount":"5.99"}'],
    ["rating", '{"value":"9","scale_min":"1","scale_max":"5"}'],
    ["weight", '{"value":2,"unit":"stone"}'],
    ["link", '{"text":"Home"}'],
    ["rich_text_field", '{"type":"paragraph"}'],
    ["customer_reference", "gid://shopify/Product/1"],
    ["product_reference", "1001"],
    ["list.single_line_text_field", '"a"'],
    ["list.number_integer", '[1, "x"]'],
  ];
  it.each(refused)("refuses %s value %j with a message", (type, value) => {
    const problem = validateMetafieldValue(type, value);
    expect(problem).toEqual(expect.any(String));
    expect(problem?.length).toBeGreaterThan(5);
  });

  it("reads jsonValue the way Shopify types it", () => {
    expect(metafieldJsonValue("number_integer", "42")).toBe(42);
    expect(metafieldJsonValue("number_decimal", "1.10")).toBe("1.10");
    expect(metafieldJsonValue("boolean", "true")).toBe(true);
    expect(metafieldJsonValue("json", '{"a":1}')).toEqual({ a: 1 });
    expect(metafieldJsonValue("list.number_integer", "[1,2]")).toEqual([1, 2]);
    expect(metafieldJsonValue("single_line_text_field", "hi")).toBe("hi");
  });
});
