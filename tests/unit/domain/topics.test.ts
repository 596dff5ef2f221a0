import { describe, expect, it } from "vitest";
import { validateUserTopic } from "~/domain/topics";

function messageFor(topic: string): string {
  const result = validateUserTopic(topic);
  if (result.ok) throw new Error(`expected ${JSON.stringify(topic)} to be refused`);
  return result.message;
}

describe("validateUserTopic", () => {
  it.each(["user/order/created", "user/webhook/test", "user/a/b", "user/form_2/submit_now", "user/123/456"])(
    "accepts %s",
    (topic) => {
      expect(validateUserTopic(topic)).toEqual({ ok: true });
    },
  );

  it("refuses an uppercase domain and says it must be lowercase user", () => {
    expect(messageFor("User/Foo/bar")).toBe(
      'Topic "User/Foo/bar" must start with "user/", not "User/" (it must be lowercase "user")',
    );
  });

  it("refuses other domains", () => {
    expect(messageFor("shopify/orders/create")).toContain('must start with "user/", not "shopify/"');
  });

  it("refuses two segments with the count", () => {
    expect(messageFor("user/foo")).toBe('Topic "user/foo" has 2 segments; expected exactly 3: user/<subject>/<verb>');
  });

  it("refuses four segments with the count", () => {
    expect(messageFor("user/foo/bar/baz")).toBe(
      'Topic "user/foo/bar/baz" has 4 segments; expected exactly 3: user/<subject>/<verb>',
    );
  });

  it("refuses one segment", () => {
    expect(messageFor("user")).toContain("has 1 segment;");
  });

  it("refuses an empty subject", () => {
    expect(messageFor("user//x")).toBe('Topic "user//x": the subject (segment 2) is empty');
  });

  it("refuses an empty verb", () => {
    expect(messageFor("user/x/")).toBe('Topic "user/x/": the verb (segment 3) is empty');
  });

  it("refuses spaces", () => {
    expect(messageFor("user/foo bar/baz")).toContain("contains whitespace");
    expect(messageFor(" user/foo/bar")).toContain("contains whitespace");
    expect(messageFor("user/foo/bar\n")).toContain("contains whitespace");
  });

  it("refuses uppercase in subject or verb and suggests the lowercase form", () => {
    expect(messageFor("user/Foo/bar")).toBe(
      'Topic "user/Foo/bar": the subject "Foo" contains uppercase letters; use lowercase (foo)',
    );
    expect(messageFor("user/foo/Bar")).toContain('the verb "Bar" contains uppercase letters');
  });

  it("refuses unicode and names the code point", () => {
    expect(messageFor("user/café/created")).toBe(
      'Topic "user/café/created": the subject "café" contains the non-ASCII character "é" (U+00E9); only lowercase letters, digits and underscores are allowed',
    );
    expect(messageFor("user/order/🎉")).toContain("U+1F389");
  });

  it("refuses punctuation", () => {
    expect(messageFor("user/foo-bar/baz")).toContain('the character "-"');
    expect(messageFor("user/foo/bar.baz")).toContain('the character "."');
  });

  it("refuses empty and overlong topics", () => {
    expect(messageFor("")).toContain("Topic is required");
    expect(messageFor(`user/${"a".repeat(300)}/b`)).toContain("longer than 255");
  });
});
