// `npm run dev` with no Shopify credentials: the local store, the worker and the app come up, the
// printed URL lands in the embedded admin home, and `hookline doctor` is all green meanwhile.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/lib/free-port";

// Free ports chosen by the OS: a fixed range collided with MariaDB's 3306 and with other checkouts' servers.
const port = await freePort();
const storePort = await freePort();
const env = {
  ...process.env,
  PORT: String(port),
  LOCAL_STORE_PORT: String(storePort),
  HMR_PORT: String(await freePort()),
  // The local store's mail catcher; 3025 may be taken by a developer's own `npm run dev`.
  LOCAL_STORE_SMTP_PORT: String(await freePort()),
  SHOPIFY_API_KEY: "",
  SHOPIFY_API_SECRET: "",
  LOCAL_STORE_URL: "",
  SHOPIFY_APP_URL: "",
  // Queues of its own: with the suite's prefix its worker took other test files' event jobs, for
  // databases it does not hold, and doctor rightly reported them as foreign jobs. (Not the default
  // prefix either: the queue-prefix test's workers derive that one from this same database.)
  HOOKLINE_QUEUE_PREFIX: `${process.env.HOOKLINE_QUEUE_PREFIX ?? "hookline-test"}-dev`,
};
const desktopChrome =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
let dev: ChildProcess | undefined;

afterAll(async () => {
  if (!dev?.pid) return;
  const exited = new Promise((resolve) => dev!.on("exit", resolve));
  process.kill(-dev.pid, "SIGTERM"); // dev stops its children's process groups itself
  if (dev.exitCode === null) await exited;
});

// `npm run dev` runs on SQLite (the README's default), once: `npm test` runs the PostgreSQL suite beside
// the SQLite one, and two Vite dev servers would share (and re-optimise) one node_modules/.vite.
describe.skipIf(process.env.TEST_DB === "postgres")("npm run dev", () => {
  it("starts everything, prints the URL to open, and doctor is green", async () => {
    dev = spawn("npx", ["tsx", "scripts/dev.ts"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    dev.stdout!.on("data", (c) => (output += c));
    dev.stderr!.on("data", (c) => (output += c));
    const url = await new Promise<string>((resolve, reject) => {
      // Migrations, the store, the worker and Vite's first start: minutes on a busy 2-core machine.
      const timer = setTimeout(() => reject(new Error(`dev did not print a URL:\n${output}`)), 240_000);
      dev!.stdout!.on("data", () => {
        const match = output.match(/Hookline is running\. Open (\S+)/);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      dev!.on("exit", (code) => reject(new Error(`dev exited ${code}:\n${output}`)));
    });
    expect(url).toBe(`http://localhost:${port}/local/login`);

    const login = await fetch(url, { redirect: "manual" });
    expect(login.status).toBe(302);
    const home = await fetch(new URL(login.headers.get("location")!, url), {
      headers: { "User-Agent": desktopChrome },
    });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Recent activity");

    // The worker's first heartbeat can take a moment after start. `node --import tsx` runs what
    // `npx tsx` runs without npx's start-up (tests/integration/scripts/cli/doctor.test.ts uses npx).
    const runDoctor = () =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/hookline.ts", "doctor"], {
        env,
        encoding: "utf8",
        timeout: 60_000,
      });
    let doctor = runDoctor();
    for (let i = 0; i < 10 && doctor.status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      doctor = runDoctor();
    }
    expect(doctor.stdout).not.toContain("FAIL");
    expect(doctor.stdout.trim().split("\n")).toHaveLength(6);
    expect(doctor.status).toBe(0);

    // Issue 13: a quiet start, no Prisma warning about the schema's url, no doubled prefixes.
    expect(output).not.toContain("will NOT be used");
    expect(output).not.toMatch(/\[(\w+)\] \[\1\]/);
    expect(output).toContain("[worker] pid ");
  }, 360_000);
});
