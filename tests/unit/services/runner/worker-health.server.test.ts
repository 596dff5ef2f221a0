import { describe, expect, it } from "vitest";
import { readWorkerHealth, type WorkerHealthProbe } from "~/services/runner/worker-health.server";

function probe(overrides: Partial<WorkerHealthProbe> = {}): WorkerHealthProbe {
  return {
    pid: 42,
    prefix: "hookline-test",
    concurrency: 10,
    lastHeartbeatAt: () => 1_000_000,
    redisAnswers: async () => true,
    databaseAnswers: async () => true,
    ...overrides,
  };
}

describe("readWorkerHealth", () => {
  it("is ok with a recent heartbeat, Redis and the database answering", async () => {
    expect(await readWorkerHealth(probe(), 1_002_000)).toEqual({
      ok: true,
      pid: 42,
      prefix: "hookline-test",
      concurrency: 10,
      heartbeat: { at: new Date(1_000_000).toISOString(), ageMs: 2000 },
      redis: "ok",
      database: "ok",
      problems: [],
    });
  });

  it("names each problem: a stale heartbeat, Redis down, the database throwing", async () => {
    const health = await readWorkerHealth(
      probe({
        redisAnswers: async () => false,
        databaseAnswers: () => Promise.reject(new Error("connection refused")),
      }),
      1_000_000 + 20_000,
    );
    expect(health.ok).toBe(false);
    expect(health.redis).toBe("unreachable");
    expect(health.database).toBe("unreachable");
    expect(health.problems).toEqual([
      "last heartbeat 20 s ago (over 15 s)",
      "Redis does not answer",
      "the database does not answer",
    ]);
  });

  it("is not ok before the first heartbeat, nor when a probe hangs (bounded at 1 s)", async () => {
    const health = await readWorkerHealth(
      probe({ lastHeartbeatAt: () => null, databaseAnswers: () => new Promise(() => {}) }),
    );
    expect(health).toMatchObject({ ok: false, heartbeat: null, database: "unreachable" });
    expect(health.problems).toContain("no heartbeat written yet");
  });
});
