// The production build (build/: `npm run build`, the Remix app and the compiled web and worker
// processes), for tests that start the real production server (build/web-server.js, as `npm start`).
// Built once, and again only when a source (app/, workers/, the Vite config or the process build
// script) is newer than the build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const OUTPUTS = ["build/server/index.js", "build/web-server.js", "build/worker.js", "build/hookline.js"];
const SOURCES = [
  "app",
  "workers",
  "vite.config.ts",
  "scripts/build-processes.ts",
  "scripts/hookline.ts",
  "scripts/cli",
  "scripts/lib",
];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function ensureProductionBuild(): void {
  const sources = Math.max(...SOURCES.map(newestMtime));
  if (OUTPUTS.every((output) => existsSync(output) && statSync(output).mtimeMs >= sources)) return;
  execFileSync("npm", ["run", "-s", "build"], {
    stdio: "pipe",
    env: { ...process.env, NODE_ENV: "production" },
    timeout: 480_000,
  });
}
