import { describe, expect, it } from "vitest";
import { ParamsError, parseNestedQuery } from "~/domain/ingress/params";

describe("parseNestedQuery (Rack rules)", () => {
  it("parses plain pairs and decodes + and percent escapes", () => {
    expect(parseNestedQuery("foo=bar&name=J%C3%BCrgen+M&empty=")).toEqual({ foo: "bar", name: "Jürgen M", empty: "" });
  });

  it("keeps the last value of a repeated plain key", () => {
    expect(parseNestedQuery("a=1&a=2&a=3")).toEqual({ a: "3" });
  });

  it("gives null for a key without =", () => {
    expect(parseNestedQuery("flag&x=1")).toEqual({ flag: null, x: "1" });
  });

  it("skips empty pairs and empty keys", () => {
    expect(parseNestedQuery("&&a=1&=x&")).toEqual({ a: "1" });
  });

  it("nests hashes", () => {
    expect(parseNestedQuery("a[b]=1&a[c][d]=2")).toEqual({ a: { b: "1", c: { d: "2" } } });
  });

  it("builds arrays with []", () => {
    expect(parseNestedQuery("a[]=1&a[]=2")).toEqual({ a: ["1", "2"] });
  });

  it("builds arrays of hashes with [][x], starting a new hash when a key repeats", () => {
    expect(parseNestedQuery("a[][x]=1&a[][y]=2&a[][x]=3")).toEqual({ a: [{ x: "1", y: "2" }, { x: "3" }] });
  });

  it("handles nested arrays inside hashes inside arrays", () => {
    expect(parseNestedQuery("a[][t][]=1&a[][t][]=2")).toEqual({ a: [{ t: ["1", "2"] }] });
    expect(parseNestedQuery("a[][x][y]=1&a[][x][z]=2")).toEqual({ a: [{ x: { y: "1", z: "2" } }] });
    expect(parseNestedQuery("a[][]=1")).toEqual({ a: [["1"]] });
  });

  it("decodes escaped brackets in names", () => {
    expect(parseNestedQuery("contact%5BPhone+Number%5D=555")).toEqual({ contact: { "Phone Number": "555" } });
  });

  it("parses jQuery.param output for nested objects (indexed arrays become hashes, as in Rack)", () => {
    // $.post(url, { customer: { name: "A", tags: ["x", "y"] }, items: [{ id: 1, qty: 2 }, { id: 3 }] })
    const body =
      "customer%5Bname%5D=A&customer%5Btags%5D%5B%5D=x&customer%5Btags%5D%5B%5D=y&items%5B0%5D%5Bid%5D=1&items%5B0%5D%5Bqty%5D=2&items%5B1%5D%5Bid%5D=3";
    expect(parseNestedQuery(body)).toEqual({
      customer: { name: "A", tags: ["x", "y"] },
      items: { "0": { id: "1", qty: "2" }, "1": { id: "3" } },
    });
  });

  it("treats a leading [ and malformed nesting like Rack", () => {
    expect(parseNestedQuery("[a]=1")).toEqual({ "[a]": "1" });
    expect(parseNestedQuery("a[=1")).toEqual({ "a[": "1" });
    expect(parseNestedQuery("a[b=1")).toEqual({ a: { "[b": "1" } });
  });

  it("replaces a null value with a container when nesting continues", () => {
    expect(parseNestedQuery("a&a[b]=1")).toEqual({ a: { b: "1" } });
  });

  it("refuses conflicting shapes with a message naming the key", () => {
    expect(() => parseNestedQuery("a=1&a[b]=2")).toThrow(ParamsError);
    expect(() => parseNestedQuery("a=1&a[b]=2")).toThrow('expected an object for parameter "a"');
    expect(() => parseNestedQuery("a[b]=1&a[]=2")).toThrow('expected a list for parameter "a"');
  });

  it("refuses bad percent-encoding", () => {
    expect(() => parseNestedQuery("a=%E0%A4%A")).toThrow("invalid percent-encoding");
  });

  it("refuses excessive nesting depth", () => {
    expect(() => parseNestedQuery(`a${"[b]".repeat(40)}=1`)).toThrow("nested too deeply");
  });

  it("stores __proto__ and constructor as plain data without touching prototypes", () => {
    const params = parseNestedQuery("__proto__[polluted]=yes&constructor[prototype][x]=1");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.keys(params)).toEqual(["__proto__", "constructor"]);
    expect(JSON.stringify(params)).toBe('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"x":"1"}}}');
  });
});
