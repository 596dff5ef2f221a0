// The screens' pure helpers (app/ui): what the merchant reads must be right.
import { describe, expect, it } from "vitest";
import { absoluteTime, formatDuration, relativeTime } from "~/components/time";
import { rollUpStatus, statusTone } from "~/domain/runs/display-status";
import { webhookExamples } from "~/domain/webhooks/examples";
import { checkOrigin, parseOrigins, validateSettings } from "~/domain/shops/settings";
import { parseWebhookForm } from "~/domain/webhooks/webhook-form";
import { optionRawValue, parseTaskPayload, subscriptionProblems, subscriptionTopics } from "~/domain/tasks/task-form";
import { describeOption } from "~/domain/tasks/options";
import { prettyJson } from "~/domain/json";

const NOW = Date.parse("2026-11-26T12:00:00Z");

describe("relative times", () => {
  it.each([
    ["2026-11-26T12:00:02Z", "just now"],
    ["2026-11-26T11:59:30Z", "30 seconds ago"],
    ["2026-11-26T11:59:00Z", "1 minute ago"],
    ["2026-11-26T09:00:00Z", "3 hours ago"],
    ["2026-11-24T12:00:00Z", "2 days ago"],
    ["2026-11-26T12:05:00Z", "in 5 minutes"],
    ["2026-09-01T08:00:00Z", "2026-09-01 08:00:00 UTC"],
    ["not a date", "unknown time"],
  ])("%s is %s", (when, text) => {
    expect(relativeTime(when, NOW)).toBe(text);
  });
  it("absolute times and durations", () => {
    expect(absoluteTime("2026-11-26T10:15:04.123Z")).toBe("2026-11-26 10:15:04 UTC");
    expect(formatDuration(12)).toBe("12 ms");
    expect(formatDuration(1500)).toBe("1.50 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(null)).toBe("–");
  });
});

describe("rolled-up status", () => {
  it("failure wins, then running, then anything unfinished", () => {
    expect(rollUpStatus("succeeded", ["succeeded", "failed"])).toBe("failed");
    expect(rollUpStatus("running", ["succeeded", "running", "pending"])).toBe("running");
    expect(rollUpStatus("enqueued", [])).toBe("pending");
    expect(rollUpStatus("running", ["succeeded", "pending"])).toBe("running");
    expect(rollUpStatus("pending", [])).toBe("pending");
    expect(rollUpStatus("succeeded", ["succeeded", "skipped"])).toBe("succeeded");
    expect(rollUpStatus("succeeded", [])).toBe("succeeded");
    expect(statusTone("failed")).toBe("critical");
    expect(statusTone("succeeded")).toBe("success");
  });
});

describe("webhook examples", () => {
  it("are filled with the real URL and quote it for the shell", () => {
    const url = "https://hookline.example/webhook/2f1c7d9e-0000-4000-8000-000000000000";
    const byId = Object.fromEntries(webhookExamples(url).map((e) => [e.id, e.code]));
    expect(byId["curl-form"]).toBe(`curl -X POST -F foo=bar '${url}'`);
    expect(byId["curl-json"]).toContain(`curl -X POST '${url}'`);
    expect(byId["curl-json"]).toContain("-H 'Content-Type: application/json'");
    expect(byId["fetch"]).toContain(`fetch("${url}", {`);
    expect(byId["jquery"]).toContain(`jQuery.post("${url}", {`);
    expect(webhookExamples("https://x.example/it's")[0]!.code).toBe(
      `curl -X POST -F foo=bar 'https://x.example/it'\\''s'`,
    );
  });
});

describe("settings validation", () => {
  it("accepts origins and normalizes them; says what is wrong otherwise", () => {
    expect(checkOrigin("https://Shop.Example.com")).toEqual({ origin: "https://shop.example.com" });
    expect(checkOrigin("http://localhost:8080/")).toEqual({ origin: "http://localhost:8080" });
    expect(checkOrigin("shop.example.com")).toEqual({
      error: '"shop.example.com" has no scheme; write it as https://shop.example.com',
    });
    expect(checkOrigin("https://a.example/path")).toMatchObject({ error: expect.stringContaining("has a path") });
    expect(checkOrigin("https://a.example?x=1")).toMatchObject({
      error: expect.stringContaining("has a path, query or fragment"),
    });
    expect(checkOrigin("ftp://a.example")).toMatchObject({
      error: expect.stringContaining("must use https:// or http://"),
    });
    expect(checkOrigin("https://user:pw@a.example")).toMatchObject({
      error: expect.stringContaining("user name or password"),
    });
    expect(checkOrigin("https://*.example.com")).toMatchObject({ error: expect.stringContaining("wildcards") });
    expect(parseOrigins("https://a.example, https://a.example\n\nhttps://b.example")).toEqual({
      origins: ["https://a.example", "https://b.example"],
      errors: [],
    });
  });
  it("numbers are whole and in range", () => {
    expect(validateSettings({ corsOrigins: "", retentionDays: "15", rateLimitPerMinute: "600" })).toEqual({
      ok: true,
      values: { corsOrigins: [], retentionDays: 15, rateLimitPerMinute: 600 },
    });
    const bad = validateSettings({ corsOrigins: "", retentionDays: "1.5", rateLimitPerMinute: "1.5" });
    expect(bad).toEqual({
      ok: false,
      errors: {
        retentionDays: "Retention must be a whole number",
        rateLimitPerMinute: "Rate limit must be a whole number",
      },
    });
    // An empty rate limit is no limit of the shop's own: the app's default applies.
    expect(validateSettings({ corsOrigins: "", retentionDays: "15", rateLimitPerMinute: "" })).toEqual({
      ok: true,
      values: { corsOrigins: [], retentionDays: 15, rateLimitPerMinute: null },
    });
    expect(validateSettings({ corsOrigins: "", retentionDays: "366", rateLimitPerMinute: "0" })).toMatchObject({
      ok: false,
    });
  });
});

describe("webhook form", () => {
  it("parses a full form", () => {
    const form = new URLSearchParams({
      name: " Stripe ",
      topic: "user/stripe/charge",
      dataMode: "full",
      corsMode: "restricted",
      signatureMode: "hmac",
      signatureHeader: "Stripe-Signature",
      signatureEncoding: "hex",
      signatureSecret: "whsec_abcdefgh",
      dedupeEnabled: "on",
      dedupeHeader: "",
      rateLimitPerMinute: "120",
    });
    expect(parseWebhookForm(form)).toEqual({
      ok: true,
      values: {
        name: "Stripe",
        topic: "user/stripe/charge",
        dataMode: "full",
        corsMode: "restricted",
        signatureMode: "hmac",
        signatureHeader: "Stripe-Signature",
        signatureSecret: "whsec_abcdefgh",
        signatureEncoding: "hex",
        dedupeEnabled: true,
        dedupeHeader: null,
        rateLimitPerMinute: 120,
        responseMode: "immediate",
        responseTimeoutSeconds: 10,
      },
    });
  });
  it("refuses hostile and malformed input field by field", () => {
    const result = parseWebhookForm(
      new URLSearchParams({
        name: "x".repeat(256),
        topic: "user/ünïcode/test",
        dataMode: "raw",
        corsMode: "everyone",
        signatureMode: "hmac",
        signatureHeader: "X-Sig: evil\r\n",
        signatureSecret: "short",
        dedupeEnabled: "on",
        dedupeHeader: "Bad Header",
        rateLimitPerMinute: "1e3",
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(
      [
        "corsMode",
        "dataMode",
        "dedupeHeader",
        "name",
        "rateLimitPerMinute",
        "signatureHeader",
        "signatureSecret",
        "topic",
      ].sort(),
    );
    expect(result.errors.topic).toContain('non-ASCII character "ü" (U+00FC)');
  });
});

describe("task form", () => {
  it("explains each bad subscription line", () => {
    expect(subscriptionProblems("user/webhook/test\n\nuser/webhook/test+2.days")).toEqual([]);
    expect(subscriptionProblems("user/Foo/bar\nuser/a/b+3.fortnights\nnot a topic\nshopify/orders")).toEqual([
      expect.stringMatching(/^Line 1: .*uppercase/),
      expect.stringMatching(/^Line 2: Unknown delay unit "fortnights"/),
      expect.stringMatching(/^Line 3: .*contains spaces/),
      expect.stringMatching(/^Line 4: Topic "shopify\/orders" must look like shopify/),
    ]);
    expect(subscriptionTopics("user/a/b+1.hour\nmechanic/scheduler/daily")).toEqual([
      "user/a/b",
      "mechanic/scheduler/daily",
    ]);
  });
  it("shows stored option values in their form fields", () => {
    expect(optionRawValue(describeOption("tags__array"), ["a", "b"])).toBe("a\nb");
    expect(optionRawValue(describeOption("map__keyval"), { a: "1", b: "2" })).toBe("a: 1\nb: 2");
    expect(optionRawValue(describeOption("on__boolean"), true)).toBe(true);
    expect(optionRawValue(describeOption("days__number"), 3)).toBe("3");
    expect(optionRawValue(describeOption("colors__multiselect_o1_red_o2_blue"), ["red"])).toEqual(["red"]);
  });
  it("reads the editor payload defensively", () => {
    expect(parseTaskPayload(undefined)).toEqual({ ok: false, error: "The form was empty" });
    expect(parseTaskPayload("{nope")).toEqual({ ok: false, error: "The form could not be read (malformed JSON)" });
    expect(parseTaskPayload("[1]")).toEqual({ ok: false, error: "The form could not be read" });
    const parsed = parseTaskPayload(
      JSON.stringify({
        name: 5,
        script: "x",
        options: { a: "1", b: { nested: true }, __proto__: "x" },
        template: "../etc",
      }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      state: { name: "", script: "x", options: { a: "1" }, template: null, enabled: true },
    });
  });
});

describe("pretty JSON", () => {
  it("keeps 64-bit integers exact and leaves non-JSON alone", () => {
    expect(prettyJson('{"id":12345678901234567890}')).toBe('{\n  "id": 12345678901234567890\n}');
    expect(prettyJson("plain text")).toBe("plain text");
    expect(prettyJson(null)).toBe("");
  });
});
