// Child-process helpers for the dev and e2e launchers: prefixed output, wait-for-URL, stop all.
import { spawn, type ChildProcess } from "node:child_process";

export interface Managed {
  name: string;
  child: ChildProcess;
}

const running: Managed[] = [];

/** The line with the process's name in front, unless it already starts with it. */
export function prefixed(prefix: string, line: string): string {
  return line.startsWith(prefix) ? line : prefix + line;
}

export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Managed {
  // Its own process group, so stopping it also stops what npx/tsx start beneath it.
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = `[${name}] `;
  const forward = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      // A process that names itself ("[worker] stopped") is not named twice.
      for (const line of lines) out.write(prefixed(prefix, line) + "\n");
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  const managed = { name, child };
  running.push(managed);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping everything.`);
      void stopAll(code ?? 1);
    }
  });
  return managed;
}

export async function waitForUrl(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

let stopping = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Work to do once every child has stopped, before the process exits (stopOnSignals). */
let beforeExit: (() => Promise<void>) | null = null;

export async function stopAll(exitCode = 0): Promise<never> {
  stopping = true;
  for (const { child } of running) signalGroup(child, "SIGTERM");
  await Promise.all(
    running.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            signalGroup(child, "SIGKILL");
            resolve();
          }, 10_000);
          if (child.exitCode !== null || child.signalCode !== null) {
            // The leader is gone; make sure nothing of its group survives.
            clearTimeout(timer);
            signalGroup(child, "SIGKILL");
            return resolve();
          }
          child.on("exit", () => {
            clearTimeout(timer);
            signalGroup(child, "SIGKILL");
            resolve();
          });
        }),
    ),
  );
  if (beforeExit) await beforeExit();
  process.exit(exitCode);
}

/** Stops every child on SIGINT or SIGTERM, then runs `cleanUp` (if given) and exits. */
export function stopOnSignals(cleanUp?: () => Promise<void>): void {
  beforeExit = cleanUp ?? null;
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
}
