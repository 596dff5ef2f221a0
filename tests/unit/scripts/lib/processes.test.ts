// Issue 13, bug 4: "[worker] [worker] stopped" — a process that names itself is not named twice.
import { describe, expect, it } from "vitest";
import { prefixed } from "../../../../scripts/lib/processes";

describe("prefixed", () => {
  it("adds the process's name once", () => {
    expect(prefixed("[worker] ", "[worker] stopped")).toBe("[worker] stopped");
    expect(prefixed("[worker] ", "listening")).toBe("[worker] listening");
    expect(prefixed("[app] ", "[worker] x")).toBe("[app] [worker] x");
  });
});
