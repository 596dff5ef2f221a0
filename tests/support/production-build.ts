// The production build (build/), for tests that start the real production server (scripts/serve.ts).
// Built once, and again only when a file under app/ (or the Vite config) is newer than the build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function ensureProductionBuild(): void {
  const output = "build/server/index.js";
  const sources = Math.max(newestMtime("app"), newestMtime("vite.config.ts"));
  if (existsSync(output) && statSync(output).mtimeMs >= sources) return;
  execFileSync("npx", ["remix", "vite:build"], {
    stdio: "pipe",
    env: { ...process.env, NODE_ENV: "production" },
    timeout: 240_000,
  });
}
