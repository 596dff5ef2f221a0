import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJson } from "~/domain/json";
import { parseTaskJson, stringifyTaskJson, taskDraftFromJson, taskDraftToJson } from "~/domain/tasks/task-json";

const libraryTaskText = readFileSync(new URL("./fixtures/tag-customers-by-email-domain.json", import.meta.url), "utf8");

describe("importing a Mechanic library task", () => {
  it("maps every known key and keeps the rest in extra", () => {
    const result = parseTaskJson(libraryTaskText);
    if (!result.ok) throw new Error(result.errors.join("; "));
    const { draft } = result;
    expect(draft.name).toBe("Tag customers by email domain");
    expect(draft.subscriptions).toEqual(["shopify/customers/create", "mechanic/user/trigger"]);
    expect(draft.subscriptionsTemplate).toBe("shopify/customers/create\nmechanic/user/trigger");
    expect(draft.script).toContain('{% action "shopify" %}');
    expect(draft.options).toEqual({
      email_domains__array_required: ["example.com", "wholesale.example.org"],
      customer_tags_to_add__array_required: ["staff"],
      days_to_wait__number: 0,
    });
    expect(draft.docs).toMatch(/^When a customer is created/);
    expect(draft.performActionRunsInSequence).toBe(false);
    expect(draft.haltActionRunSequenceOnError).toBe(false);
    expect(draft.previewEventDefinitions).toHaveLength(1);
    // 2^53 + 1 in the preview data survives the import.
    expect((draft.previewEventDefinitions[0].event_attributes.data as { id: unknown }).id).toBe(9007199254740993n);
    expect(draft.extra).toEqual({
      liquid_profiling: false,
      online_store_javascript: null,
      order_status_javascript: null,
      shopify_api_version: "2024-07",
      tags: ["Customers", "Tagging"],
      halt_on_error_message: "kept verbatim",
    });
  });

  it("exports back to the same JSON (nothing lost, Mechanic key order)", () => {
    const result = parseTaskJson(libraryTaskText);
    if (!result.ok) throw new Error(result.errors.join("; "));
    const exported = stringifyTaskJson(result.draft);
    expect(parseJson(exported)).toEqual(parseJson(libraryTaskText));
    expect(Object.keys(taskDraftToJson(result.draft)).slice(0, 5)).toEqual([
      "name",
      "options",
      "subscriptions",
      "subscriptions_template",
      "script",
    ]);
    expect(exported).toContain('"id": 9007199254740993');
    // A second round trip is stable.
    const again = parseTaskJson(exported);
    expect(again.ok && stringifyTaskJson(again.draft)).toBe(exported);
  });
});

describe("validation", () => {
  it("refuses what is not task JSON, with clear messages", () => {
    expect(parseTaskJson("")).toEqual({ ok: false, errors: ["Task JSON is empty"] });
    const notJson = parseTaskJson("{ name: ");
    expect(!notJson.ok && notJson.errors[0]).toMatch(/^Task JSON is not valid JSON/);
    expect(parseTaskJson("[1, 2]")).toEqual({ ok: false, errors: ["Task JSON must be an object, not an array"] });
  });

  it("reports each bad field", () => {
    const result = taskDraftFromJson({
      name: "   ",
      script: 42,
      subscriptions: ["user/ok/fine", "user/Bad/topic"],
      options: { "Bad-Key": 1 },
      perform_action_runs_in_sequence: "yes",
      preview_event_definitions: [{ description: 5, event_attributes: { topic: 7 } }, "nope"],
      liquid_profiling: "no",
      shopify_api_version: 2024,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      '"name" must not be blank',
      '"script" must be a string, not a number',
      '"subscriptions" entry 2: Topic "user/Bad/topic": the subject "Bad" contains uppercase letters; use lowercase (bad)',
      '"options" key "Bad-Key" is not a valid option key (lowercase letters, digits and underscores, starting with a letter)',
      '"preview_event_definitions" entry 1: "event_attributes.topic" must be a string',
      '"preview_event_definitions" entry 1: "description" must be a string',
      '"preview_event_definitions" entry 2 must be an object',
      '"perform_action_runs_in_sequence" must be true or false, not a string',
      '"shopify_api_version" must be a string, not a number',
      '"liquid_profiling" must be true or false, not a string',
    ]);
  });

  it("requires name and script, and accepts a minimal task", () => {
    const missing = taskDraftFromJson({});
    expect(!missing.ok && missing.errors).toEqual(['"name" is required', '"script" is required']);
    const minimal = taskDraftFromJson({ name: "Echo", script: '{% action "echo", event.data %}' });
    expect(minimal).toEqual({
      ok: true,
      draft: {
        name: "Echo",
        subscriptions: [],
        subscriptionsTemplate: null,
        script: '{% action "echo", event.data %}',
        options: {},
        docs: null,
        performActionRunsInSequence: false,
        haltActionRunSequenceOnError: false,
        previewEventDefinitions: [],
        extra: {},
      },
    });
  });

  it("refuses oversized scripts", () => {
    const result = taskDraftFromJson({ name: "Big", script: "x".repeat(200_001) });
    expect(!result.ok && result.errors).toEqual(['"script" is longer than 200000 characters']);
  });

  it("refuses task JSON over 2 MB before parsing it (the app's import and the CLI alike)", () => {
    const text = JSON.stringify({ name: "Big", script: "", docs: "x".repeat(2_000_000) });
    expect(parseTaskJson(text)).toEqual({
      ok: false,
      errors: [`Task JSON is ${text.length} characters; the limit is 2000000 (2 MB)`],
    });
  });
});

describe("importing what the library contains", () => {
  it("merges a repeated subscription and converts option values by their flags", () => {
    const result = taskDraftFromJson({
      name: "Bundles",
      script: "{{ options.qty__keyval_number_required }}{{ options.days__number }}",
      subscriptions: [
        "shopify/orders/create",
        "mechanic/user/trigger",
        "shopify/orders/create",
        "shopify/orders/paid+1.day",
        "shopify/orders/paid+24.hours",
      ],
      options: { qty__keyval_number_required: { "BUNDLE-A": "1", "BUNDLE-B": 2 }, days__number: "3" },
      some_future_key: { kept: true },
    });
    if (!result.ok) throw new Error(result.errors.join("; "));
    expect(result.draft.subscriptions).toEqual([
      "shopify/orders/create",
      "mechanic/user/trigger",
      "shopify/orders/paid+1.day",
    ]);
    expect(result.draft.options).toEqual({
      qty__keyval_number_required: { "BUNDLE-A": 1, "BUNDLE-B": 2 },
      days__number: 3,
    });
    expect(result.draft.extra).toEqual({ some_future_key: { kept: true } });
  });
});
