import { describe, expect, it } from "vitest";
import {
  coerceOptions,
  convertOptionValues,
  describeOption,
  discoverOptionKeys,
  validateOptions,
} from "~/domain/tasks/options";

describe("discoverOptionKeys", () => {
  it("finds keys in order of first reference, template first, without duplicates", () => {
    const template = "shopify/orders/paid+{{ options.days__number_required }}.days";
    const script = `{% if options.send_email__boolean %}{{ options.recipient__email_required }}{% endif %}
{{ options.days__number_required }} {{ options["tags__array"] }} {{ options.recipient__email_required | upcase }}`;
    expect(discoverOptionKeys(script, template)).toEqual([
      "days__number_required",
      "send_email__boolean",
      "recipient__email_required",
      "tags__array",
    ]);
  });

  it("ignores look-alikes", () => {
    expect(discoverOptionKeys("{{ shop_options.x }} {{ foo.options.y }} {{ options.Bad }} {{ options.ok }}")).toEqual([
      "ok",
    ]);
    expect(discoverOptionKeys("")).toEqual([]);
  });
});

describe("describeOption", () => {
  it("reads types and flags", () => {
    expect(describeOption("metafield_namespace__required")).toMatchObject({
      name: "metafield_namespace",
      label: "Metafield namespace",
      type: "text",
      required: true,
    });
    expect(describeOption("days__number_required")).toMatchObject({ type: "number", required: true });
    expect(describeOption("notes__multiline")).toMatchObject({ type: "multiline", required: false });
    expect(describeOption("tags__array_required")).toMatchObject({ type: "array", required: true });
    expect(describeOption("headers__keyval")).toMatchObject({ type: "keyval" });
    expect(describeOption("query__code")).toMatchObject({ type: "code" });
    expect(describeOption("start__date_futureonly")).toMatchObject({ type: "date", futureonly: true });
    expect(describeOption("at__datetime")).toMatchObject({ type: "datetime" });
    expect(describeOption("at__time")).toMatchObject({ type: "time" });
    expect(describeOption("brand__color")).toMatchObject({ type: "color" });
    expect(describeOption("api_key__secret_required")).toMatchObject({ type: "text", secret: true, required: true });
    expect(describeOption("shared__global")).toMatchObject({ global: true });
    expect(describeOption("note__userform")).toMatchObject({ userform: true });
    expect(describeOption("x__sparkly")).toMatchObject({ unknownFlags: ["sparkly"] });
  });

  it("reads select, choice and multiselect choices", () => {
    expect(describeOption("size__select_o1_small_o2_large").choices).toEqual([
      { value: "small", label: "Small" },
      { value: "large", label: "Large" },
    ]);
    const choice = describeOption("mode__choice_o1_first_thing_o2_second_required");
    expect(choice).toMatchObject({ type: "choice", required: true });
    expect(choice.choices!.map((c) => c.value)).toEqual(["first_thing", "second"]);
    expect(describeOption("days__multiselect_o1_mon_o2_tue_o3_wed").choices!.map((c) => c.value)).toEqual([
      "mon",
      "tue",
      "wed",
    ]);
  });

  it("reads ranges and pickers", () => {
    expect(describeOption("percent__range_min0_max50_step5").range).toEqual({ min: 0, max: 50, step: 5 });
    expect(describeOption("products__picker_product_array_required")).toMatchObject({
      type: "picker",
      picker: { resource: "product", multiple: true },
      required: true,
    });
    expect(describeOption("variant__picker_variant").picker).toEqual({ resource: "variant", multiple: false });
  });
});

describe("validateOptions", () => {
  const today = "2024-05-01";
  it("accepts valid values", () => {
    const values = {
      name__required: "x",
      days__number_required: 3,
      ok__boolean: false,
      email__email: "a@example.com",
      tags__array: ["a", "b"],
      headers__keyval: { a: "1" },
      size__select_o1_small_o2_large: "large",
      days__multiselect_o1_mon_o2_tue: ["tue"],
      start__date_futureonly: "2024-05-02",
      at__time: "09:30",
      brand__color: "#aabbcc",
      pct__range_min0_max50_step5: 25,
      product__picker_product: "gid://shopify/Product/123",
    };
    expect(validateOptions(Object.keys(values), values, today)).toEqual({});
  });

  it("reports every problem by field", () => {
    const values = {
      name__required: "  ",
      days__number_required: "three",
      must__boolean_required: false,
      email__email: "not-an-email",
      tags__array: "a,b",
      size__select_o1_small_o2_large: "medium",
      start__date_futureonly: "2024-04-30",
      bad_date__date: "2024-02-30",
      at__time: "25:00",
      brand__color: "red",
      pct__range_min0_max50_step5: 27,
      product__picker_product: "123",
    };
    const errors = validateOptions([...Object.keys(values), "Bad_Key"], values, today);
    expect(errors).toEqual({
      name__required: "Name is required",
      days__number_required: "Days must be a number",
      must__boolean_required: "Must must be checked",
      email__email: "Email must be an email address",
      tags__array: "Tags must be a list of text values",
      size__select_o1_small_o2_large: "Size must be one of: small, large",
      start__date_futureonly: "Start must not be in the past",
      bad_date__date: "Bad date must be a date (YYYY-MM-DD)",
      at__time: "At must be a time (HH:MM)",
      brand__color: "Brand must be a color like #1a2b3c",
      pct__range_min0_max50_step5: "Pct must be a multiple of 5 from 0",
      product__picker_product: "Product must be a Shopify product ID (gid://shopify/…)",
      Bad_Key:
        '"Bad_Key" is not a valid option key (lowercase letters, digits and underscores, starting with a letter)',
    });
  });
});

describe("coerceOptions", () => {
  it("turns form strings into typed values", () => {
    const keys = ["on__boolean", "days__number", "tags__array", "headers__keyval", "name", "ids__picker_product_array"];
    const { values, errors } = coerceOptions(keys, {
      on__boolean: "on",
      days__number: " 7 ",
      tags__array: "vip\n\n wholesale \n",
      headers__keyval: "X-One: 1\nX-Two: two: parts",
      name: "kept",
      ids__picker_product_array: "gid://shopify/Product/1, gid://shopify/Product/2",
    });
    expect(errors).toEqual({});
    expect(values).toEqual({
      on__boolean: true,
      days__number: 7,
      tags__array: ["vip", "wholesale"],
      headers__keyval: { "X-One": "1", "X-Two": "two: parts" },
      name: "kept",
      ids__picker_product_array: ["gid://shopify/Product/1", "gid://shopify/Product/2"],
    });
  });

  it("leaves unconvertible input for validation to report", () => {
    const { values, errors } = coerceOptions(["days__number_required", "flag__boolean"], {
      days__number_required: "soon",
    });
    expect(values).toEqual({ days__number_required: "soon", flag__boolean: false });
    expect(errors).toEqual({ days__number_required: "Days must be a number" });
  });
});

describe("combined flags and conversion by declared type", () => {
  it("reads a container with the type of its values, and code_multiline as code", () => {
    expect(describeOption("qty__keyval_number_required")).toMatchObject({
      type: "keyval",
      itemType: "number",
      required: true,
    });
    expect(describeOption("keywords__keyval_multiline_required")).toMatchObject({
      type: "keyval",
      itemType: "multiline",
    });
    expect(describeOption("recipients__email_array_required")).toMatchObject({ type: "array", itemType: "email" });
    expect(describeOption("ids__array_number")).toMatchObject({ type: "array", itemType: "number" });
    expect(describeOption("snippet__code_multiline_required")).toMatchObject({ type: "code", required: true });
    expect(describeOption("to__email_required")).toMatchObject({ type: "email", required: true });
    expect(describeOption("tags__array")).toMatchObject({ type: "array", itemType: "text" });
    // Structured types win over the words inside their choices.
    expect(describeOption("via__multiselect_o1_email_o2_slack_required")).toMatchObject({ type: "multiselect" });
  });

  it("validates typed values", () => {
    const keys = ["qty__keyval_number", "to__array_email", "ids__array_number"];
    expect(
      validateOptions(keys, {
        qty__keyval_number: { A: 1, B: 2.5 },
        to__array_email: ["a@b.co"],
        ids__array_number: [1],
      }),
    ).toEqual({});
    expect(
      validateOptions(keys, { qty__keyval_number: { A: "x" }, to__array_email: ["nope"], ids__array_number: ["1"] }),
    ).toEqual({
      qty__keyval_number: "Qty must be a set of keys and numbers",
      to__array_email: "To must be a list of email addresses",
      ids__array_number: "Ids must be a list of numbers",
    });
  });

  it("converts values by their flags (import, preview and runs use this)", () => {
    expect(
      convertOptionValues({
        qty__keyval_number: { A: "1", B: 2 },
        days__number: "7",
        on__boolean: "true",
        ids__array_number: ["1", "2.5"],
        list__array: "a\nb",
        note: " kept as written ",
        odd__number: "seven",
      }),
    ).toEqual({
      qty__keyval_number: { A: 1, B: 2 },
      days__number: 7,
      on__boolean: true,
      ids__array_number: [1, 2.5],
      list__array: ["a", "b"],
      note: " kept as written ",
      odd__number: "seven",
    });
  });
});
