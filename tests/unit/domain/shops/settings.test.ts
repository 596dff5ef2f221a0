// Issue 13, bug 4: the Settings messages say what would be accepted, and what they suggest is accepted.
import { describe, expect, it } from "vitest";
import { checkOrigin, validateSettings } from "~/domain/shops/settings";

describe("settings messages", () => {
  it("suggests only the origin for a URL typed without a scheme, and the suggestion is accepted", () => {
    for (const [typed, suggested] of [
      ["example.com/path", "https://example.com"],
      ["example.com/path?x=1", "https://example.com"],
      ["shop.example.com:8443/", "https://shop.example.com:8443"],
      ["shop.example.com", "https://shop.example.com"],
    ] as const) {
      const result = checkOrigin(typed);
      expect(result).toEqual({ error: `"${typed}" has no scheme; write it as ${suggested}` });
      expect(checkOrigin(suggested)).toEqual({ origin: suggested });
    }
    expect(checkOrigin("/")).toEqual({ error: '"/" is not a valid origin' });
  });

  it("answers a negative retention with the allowed range, a fraction with 'whole number'", () => {
    const base = { corsOrigins: "", rateLimitPerMinute: "" };
    expect(validateSettings({ ...base, retentionDays: "-1" })).toEqual({
      ok: false,
      errors: { retentionDays: "Retention must be between 1 and 365" },
    });
    expect(validateSettings({ ...base, retentionDays: "1.5" })).toEqual({
      ok: false,
      errors: { retentionDays: "Retention must be a whole number" },
    });
    expect(validateSettings({ ...base, retentionDays: "-5", rateLimitPerMinute: "-2" })).toMatchObject({
      errors: { rateLimitPerMinute: expect.stringMatching(/^Rate limit must be between 1 and/) },
    });
  });
});
