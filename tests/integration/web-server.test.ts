// Processes that cannot reach Redis say so in one line and exit 1 (no stack trace).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const deadRedis = "redis://127.0.0.1:1"; // nothing listens on port 1

function run(script: string) {
  return spawnSync("npx", ["tsx", script], {
    env: { ...process.env, REDIS_URL: deadRedis, PORT: "0" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("start-up without Redis", () => {
  it("the web server exits 1 with one clear line", () => {
    const result = run("app/web-server.ts");
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot reach Redis at ${deadRedis}`);
    expect(lines[0]).toContain("redis-server");
  });
});
