import { describe, expect, it } from "vitest";
import { containsWholeEmail, customerIdentity, mentionsCustomer } from "~/domain/compliance/customer-match";

describe("customer matching for redaction", () => {
  it("reads the identity from a compliance payload", () => {
    expect(customerIdentity({ id: 12, email: " Bob@Example.com " })).toEqual({ id: "12", email: "bob@example.com" });
    expect(customerIdentity({ id: "gid://shopify/Customer/12" })).toEqual({ id: "12", email: null });
    expect(customerIdentity({ id: 0, email: "" })).toBeNull();
    expect(customerIdentity({ id: "12abc", email: "not an email" })).toBeNull();
    expect(customerIdentity(undefined)).toBeNull();
  });

  it("matches an email only as a whole address, in any case", () => {
    const email = "bob@example.com";
    for (const text of [
      "bob@example.com",
      "BOB@EXAMPLE.COM",
      "Bob <bob@example.com>",
      "mailto:bob@example.com",
      "bob@example.com.",
    ])
      expect(containsWholeEmail(text, email), text).toBe(true);
    for (const text of [
      "jimbob@example.com",
      "bob@example.com.au",
      "bob@example.community",
      "bob.smith@example.com",
      "x.bob@example.com",
    ])
      expect(containsWholeEmail(text, email), text).toBe(false);
    expect(containsWholeEmail("jimbob@example.com, bob@example.com", email)).toBe(true);
  });

  it("matches ids exactly, as numbers, text or GIDs, at any depth; never keys", () => {
    const who = customerIdentity({ id: 12 })!;
    expect(mentionsCustomer({ a: [{ b: 12 }] }, who)).toBe(true);
    expect(mentionsCustomer({ a: "12" }, who)).toBe(true);
    expect(mentionsCustomer({ a: "gid://shopify/Customer/12" }, who)).toBe(true);
    expect(mentionsCustomer({ a: 12n }, who)).toBe(true);
    expect(mentionsCustomer({ a: 121, b: "123", c: "gid://shopify/Customer/120", d: 12.5, "12": "x" }, who)).toBe(
      false,
    );
    expect(mentionsCustomer({ note: "customer 12 called" }, who)).toBe(false);
  });

  it("walks deeply nested data without recursion", () => {
    let data: unknown = "bob@example.com";
    for (let i = 0; i < 100_000; i++) data = [data];
    expect(mentionsCustomer(data, customerIdentity({ email: "bob@example.com" })!)).toBe(true);
  });
});
