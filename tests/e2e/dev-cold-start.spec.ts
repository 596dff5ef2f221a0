// Issue 13, bug 1 on a cold start: `npm run dev` with an empty Vite cache. Vite discovers
// dependencies as pages load and reloads the page ("optimized dependencies changed, reloading");
// the first "Create task" click must still land on the task editor, not an error page. Also in
// development (React's strict mode), one save shows its toast once. Runs its own `npm run dev` at
// E2E_PORT + 10 (app), + 11 (store), + 12 (HMR), + 13 (mail).
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { removeRedisKeys } from "../../scripts/lib/redis-keys";

const base = Number(process.env.E2E_PORT || 3100);
const port = base + 10;
const queuePrefix = `hookline-dev-cold-${Date.now()}`;
let dev: ChildProcess | undefined;
let output = "";

test.afterAll(async () => {
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.on("exit", resolve));
    process.kill(-dev.pid, "SIGTERM"); // scripts/dev.ts stops its children's process groups itself
    await exited;
  }
  await removeRedisKeys(queuePrefix);
});

// What broke it (issue 13): Remix leaves Vite's dependency scan without entries, so a cold start
// optimised only a few packages, found the rest as the first page loaded, optimised again and sent
// "optimized dependencies changed, reloading"; a page whose HMR socket connected after that message
// kept modules from both runs (two copies of React: an invalid hook call, a blank page). Fixed in
// vite.config.ts (future.unstable_optimizeDeps: the scan starts from the routes).
test("a cold start's first Create task click opens the editor, and a save toasts once", async ({ page }) => {
  test.setTimeout(420_000);
  rmSync("node_modules/.vite", { recursive: true, force: true });
  const dbFile = "tests/output/dev-cold-start.sqlite";
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
  dev = spawn("npx", ["tsx", "scripts/dev.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      LOCAL_STORE_PORT: String(base + 11),
      HMR_PORT: String(base + 12),
      LOCAL_STORE_SMTP_PORT: String(base + 13),
      DATABASE_URL: `file:./${dbFile}`,
      HOOKLINE_QUEUE_PREFIX: queuePrefix,
      SHOPIFY_API_KEY: "",
      SHOPIFY_API_SECRET: "",
      LOCAL_STORE_URL: "",
      SHOPIFY_APP_URL: "",
      SMTP_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  dev.stdout!.on("data", (chunk) => (output += chunk));
  dev.stderr!.on("data", (chunk) => (output += chunk));
  await expect.poll(() => output, { timeout: 240_000, intervals: [1000] }).toContain("Hookline is running");

  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`http://localhost:${port}/local/login?path=/app/tasks`);
  await expect(page.getByRole("heading", { name: "Tasks", level: 1 })).toBeVisible({ timeout: 120_000 });
  await page.getByRole("link", { name: "Create task" }).first().click();
  // Vite may reload the page meanwhile: it must come back to the editor.
  await expect(page.getByRole("heading", { name: "New task", level: 1 })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByLabel("Task name")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Application Error")).toHaveCount(0);

  await page.getByLabel("Task name").fill("Cold start echo");
  await page.getByLabel("Subscriptions").fill("user/cold/start");
  await page.getByRole("button", { name: "Use the Echo template" }).click();
  await page.getByRole("button", { name: "Save task" }).click();
  await expect(page.getByRole("heading", { name: "Cold start echo", level: 1 })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("local-toast").getByText("Task created")).toHaveCount(1);
  // Still one a moment later (a second effect run would add another).
  await page.waitForTimeout(1000);
  await expect(page.getByTestId("local-toast").getByText("Task created")).toHaveCount(1);
  expect(output).not.toContain("will NOT be used");
  expect(pageErrors, "uncaught errors in the page (e.g. two copies of React)").toEqual([]);
  // One optimisation from the scan: a dependency the scan misses would re-optimise and reload here.
  expect(output).not.toContain("optimized dependencies changed");
});
