import { describe, expect, it } from "vitest";
import { MAX_NAME_LENGTH, nameProblem } from "~/domain/names";

describe("names of webhooks and tasks", () => {
  it("are required and at most 255 characters, counted after trimming", () => {
    expect(MAX_NAME_LENGTH).toBe(255);
    expect(nameProblem("  Typeform  ")).toBeNull();
    expect(nameProblem(" ".repeat(3))).toBe("Name is required");
    expect(nameProblem("x".repeat(255))).toBeNull();
    expect(nameProblem(`  ${"x".repeat(255)}  `)).toBeNull();
    expect(nameProblem("x".repeat(256))).toBe("Name is 256 characters; the limit is 255");
  });
});
