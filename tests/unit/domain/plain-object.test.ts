import { describe, expect, it } from "vitest";
import { isPlainObject } from "~/domain/plain-object";
import { isPlainObject as actionsIsPlainObject } from "~/domain/actions/types";

describe("isPlainObject", () => {
  it("is true for objects and false for null, arrays and primitives", () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    for (const value of [null, undefined, [], [1], "a", 1, 1n, true]) expect(isPlainObject(value)).toBe(false);
  });

  it("is the one the actions use", () => {
    expect(actionsIsPlainObject).toBe(isPlainObject);
  });
});
