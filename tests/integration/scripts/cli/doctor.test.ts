// Without Redis: the web server starts anyway (tests/integration/web-server.test.ts),
// and `hookline doctor` says what is down and what that means, in one line, and exits 1.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const deadRedis = "redis://127.0.0.1:1"; // nothing listens on port 1

describe("without Redis", () => {
  it("hookline doctor reports Redis down, that webhooks are still stored, and exits 1", () => {
    const result = spawnSync("npx", ["tsx", "scripts/hookline.ts", "doctor"], {
      env: { ...process.env, REDIS_URL: deadRedis },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    const redis = result.stdout.split("\n").find((line) => line.includes("redis"));
    expect(redis).toMatch(/^FAIL redis/);
    expect(redis).toContain(`cannot reach ${deadRedis}: webhooks are still stored, tasks wait until it is back`);
    expect(result.stdout).toMatch(/^ok {3}database/m);
  });
});
