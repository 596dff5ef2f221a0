import { describe, expect, it } from "vitest";
import { RUNNER_POOL_MAX, runnerPoolSize } from "~/services/runner/pool-size";

describe("runnerPoolSize", () => {
  it("is one connection per job slot between the floor and the cap", () => {
    expect(runnerPoolSize(6)).toBe(6);
    expect(runnerPoolSize(RUNNER_POOL_MAX)).toBe(RUNNER_POOL_MAX);
  });

  it("keeps a few connections for the queues beside the events queue", () => {
    expect(runnerPoolSize(1)).toBe(4);
  });

  it("does not grow with the concurrency past the cap (the default concurrency is above it)", () => {
    expect(runnerPoolSize(32)).toBe(RUNNER_POOL_MAX);
    expect(runnerPoolSize(1000)).toBe(RUNNER_POOL_MAX);
    expect(RUNNER_POOL_MAX).toBe(16);
  });
});
