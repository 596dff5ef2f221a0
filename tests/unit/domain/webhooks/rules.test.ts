// One rule per setting: the form, the model and the settings screen give the same answer.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_DEDUPE_HEADERS,
  DEFAULT_DEDUPE_HEADERS_TEXT,
  headerNameProblem,
  rateLimitProblem,
  responseModeOf,
  responseTimeoutProblem,
  signingSecretProblem,
} from "~/domain/webhooks/rules";
import { parseWebhookForm } from "~/domain/webhooks/webhook-form";
import { validateSettings } from "~/domain/shops/settings";
import { validateWebhookInput, WebhookInputError } from "~/data/webhooks.server";

function modelErrors(input: Parameters<typeof validateWebhookInput>[0]): Record<string, string> {
  try {
    validateWebhookInput(input, false);
    return {};
  } catch (error) {
    if (error instanceof WebhookInputError) return error.fieldErrors;
    throw error;
  }
}

function formErrors(fields: Record<string, string>): Record<string, string> {
  const result = parseWebhookForm(new URLSearchParams({ name: "Forms", topic: "user/forms/sent", ...fields }));
  return result.ok ? {} : (result.errors as Record<string, string>);
}

describe("header names", () => {
  it("are RFC 9110 tokens of at most 100 characters", () => {
    for (const name of ["Idempotency-Key", "X-Signature", "x_sig.v1", "A!#$%&'*+.^_`|~-9"]) {
      expect(headerNameProblem(name), name).toBeNull();
    }
    expect(headerNameProblem("Bad Header:")).toMatch(/^"Bad Header:" is not a valid HTTP header name/);
    expect(headerNameProblem("a".repeat(100))).toBeNull();
    expect(headerNameProblem("a".repeat(101))).toBe("Header name is 101 characters; the limit is 100");
  });

  it("are refused the same way by the form and the model", () => {
    for (const bad of ["Bad Header:", "café", "a".repeat(101)]) {
      const expected = headerNameProblem(bad);
      expect(formErrors({ dedupeEnabled: "on", dedupeHeader: bad }).dedupeHeader).toBe(expected);
      expect(modelErrors({ dedupeHeader: bad }).dedupeHeader).toBe(expected);
      expect(formErrors({ signatureMode: "hmac", signatureHeader: bad }).signatureHeader).toBe(expected);
      expect(modelErrors({ signatureHeader: bad }).signatureHeader).toBe(expected);
    }
    // What the form accepted (the old form allowed these; so does the model).
    expect(formErrors({ dedupeEnabled: "on", dedupeHeader: "X-Key!" })).toEqual({});
    expect(modelErrors({ dedupeHeader: "X-Key!" })).toEqual({});
  });

  it("default to the headers the help text names", () => {
    expect(DEFAULT_DEDUPE_HEADERS_TEXT).toBe(
      `${DEFAULT_DEDUPE_HEADERS[0]}, ${DEFAULT_DEDUPE_HEADERS[1]} or ${DEFAULT_DEDUPE_HEADERS[2]}`,
    );
  });
});

describe("signing secrets", () => {
  it("are 8 to 500 characters, in the form and the model", () => {
    expect(signingSecretProblem("12345678")).toBeNull();
    expect(signingSecretProblem("x".repeat(500))).toBeNull();
    for (const bad of ["short", "x".repeat(501)]) {
      expect(signingSecretProblem(bad)).toBe("Secret must be 8 to 500 characters");
      expect(formErrors({ signatureMode: "hmac", signatureSecret: bad }).signatureSecret).toBe(
        signingSecretProblem(bad),
      );
      expect(modelErrors({ signatureSecret: bad }).signatureSecret).toBe(signingSecretProblem(bad));
    }
  });
});

describe("rate limits", () => {
  it("are whole numbers from 1 to 1,000,000 for a webhook and for a shop", () => {
    expect(rateLimitProblem(1)).toBeNull();
    expect(rateLimitProblem(1_000_000)).toBeNull();
    for (const bad of [0, 1.5, 1_000_001]) {
      expect(rateLimitProblem(bad)).toBe("Rate limit must be a whole number from 1 to 1,000,000 per minute");
      expect(modelErrors({ rateLimitPerMinute: bad }).rateLimitPerMinute).toBe(rateLimitProblem(bad));
    }
    expect(formErrors({ rateLimitPerMinute: "1000001" }).rateLimitPerMinute).toMatch(/^Rate limit must be a whole/);
    const settings = (rate: string) =>
      validateSettings({ corsOrigins: "", retentionDays: "15", rateLimitPerMinute: rate });
    expect(settings("1000000").ok).toBe(true);
    expect(settings("1000001").ok).toBe(false);
  });
});

describe("names", () => {
  it("are checked by the one rule in the form and the model", () => {
    const long = "x".repeat(256);
    expect(formErrors({ name: long }).name).toBe("Name is 256 characters; the limit is 255");
    expect(modelErrors({ name: long }).name).toBe("Name is 256 characters; the limit is 255");
  });
});

describe("response mode", () => {
  it("is immediate or wait, checked alike by the form and the model", () => {
    expect(formErrors({ responseMode: "later" }).responseMode).toBe('Response must be "immediate" or "wait"');
    expect(modelErrors({ responseMode: "later" as never }).responseMode).toBe(
      'Response mode must be "immediate" or "wait"',
    );
    const parsed = parseWebhookForm(
      new URLSearchParams({
        name: "Quotes",
        topic: "user/quote/requested",
        responseMode: "wait",
        responseTimeoutSeconds: "5",
      }),
    );
    expect(parsed.ok && parsed.values).toMatchObject({ responseMode: "wait", responseTimeoutSeconds: 5 });
    // The short create form posts neither: today's behaviour, 10 s ready for a switch to wait.
    const short = parseWebhookForm(new URLSearchParams({ name: "Quotes", topic: "user/quote/requested" }));
    expect(short.ok && short.values).toMatchObject({ responseMode: "immediate", responseTimeoutSeconds: 10 });
    expect(responseModeOf("wait")).toBe("wait");
    expect(responseModeOf("anything else")).toBe("immediate");
  });

  it("waits 1 to 25 whole seconds", () => {
    expect(responseTimeoutProblem(1)).toBeNull();
    expect(responseTimeoutProblem(25)).toBeNull();
    for (const bad of [0, 26, 2.5, NaN]) {
      expect(responseTimeoutProblem(bad)).toBe("Response timeout must be a whole number of seconds from 1 to 25");
      expect(modelErrors({ responseTimeoutSeconds: bad }).responseTimeoutSeconds).toBe(responseTimeoutProblem(bad));
    }
    for (const bad of ["0", "26", "ten", "1.5"]) {
      expect(formErrors({ responseTimeoutSeconds: bad }).responseTimeoutSeconds).toBe(responseTimeoutProblem(0));
    }
  });
});
