// Renders off the event loop (docs/decisions/0072): a small pool of worker threads renders task
// scripts for the web process (dry runs, previews) and the runner. A render that outlives its hard
// wall-clock limit (the engine's own timeout plus a margin: the engine checks its limits only
// between nodes, so a single long filter call can overrun them) has its thread terminated and
// replaced; it answers as a failed render. A thread that runs out of memory (resourceLimits) or
// crashes answers the same way. The process's event loop only passes messages.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { DEFAULT_LIMITS } from "~/domain/liquid/engine";
import { parseJson, stringifyJson } from "~/domain/json";
import type { RenderInput, RenderResult } from "~/domain/tasks/render";
import type { FromThread, ToThread } from "./protocol";

/** Added to the render's own timeout before the thread is terminated. */
export const HARD_LIMIT_MARGIN_MS = 2_000;
/** Heap of one render thread; a script allocating more fails its render, not the process. */
export const THREAD_HEAP_MB = 256;
/**
 * Young generation of one render thread. V8's default (tens of MB, sized for a process's main
 * thread) filled with short-lived render garbage before each scavenge and stayed resident: about
 * 10 MB more per thread, where renders are small and their objects die young.
 */
export const THREAD_YOUNG_MB = 8;

export interface RenderPoolOptions {
  /** Threads (default: 2, or 1 on a single core). */
  size?: number;
  /** Overrides the hard limit (tests). */
  hardLimitMs?: number;
}

interface Job {
  id: number;
  input: RenderInput;
  resolve: (result: RenderResult) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  started: number;
}

/**
 * The thread's entry: the compiled one next to a production bundle (build/render-thread.js), else
 * the TypeScript source loaded through tsx (development and tests).
 */
function threadEntry(): { code: string; eval: boolean } {
  const here = import.meta.url;
  for (const relative of ["./render-thread.js", "../render-thread.js"]) {
    const file = fileURLToPath(new URL(relative, here));
    if (existsSync(file)) return { code: file, eval: false };
  }
  const sourceName = "./thread.ts"; // (a variable: bundlers must not treat it as an asset to copy)
  let source = fileURLToPath(new URL(sourceName, here));
  if (!existsSync(source)) source = `${process.cwd()}/app/services/render/thread.ts`;
  const url = pathToFileURL(source).href;
  return {
    code: `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}));`,
    eval: true,
  };
}

function failed(message: string, started: number): RenderResult {
  return {
    actions: [],
    logs: [],
    errors: [message],
    errorObjects: [],
    permissions: [],
    durationMs: Math.round(performance.now() - started),
  };
}

export class RenderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly size: number;
  private readonly hardLimitMs: number | null;

  constructor(options: RenderPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(2, availableParallelism()));
    this.hardLimitMs = options.hardLimitMs ?? null;
  }

  /** Renders in a thread; never throws for the script's problems (as renderTask). */
  render(input: RenderInput): Promise<RenderResult> {
    if (this.closed) return Promise.reject(new Error("the render pool is closed"));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, input, resolve });
      this.dispatch();
    });
  }

  /** Starts the threads now (they load while the process starts), instead of at the first render. */
  warm(): void {
    while (!this.closed && this.slots.length < this.size) this.spawn();
  }

  /** Threads started so far (for tests and /health). */
  get threads(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) if (slot.timer) clearTimeout(slot.timer);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const job of this.queue.splice(0)) job.resolve(failed("render cancelled: the process is stopping", 0));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => s.ready && s.job === null);
      if (!slot) {
        // Threads still loading take the queue when ready.
        if (this.slots.length < this.size) this.spawn();
        return;
      }
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const entry = threadEntry();
    const worker = new Worker(entry.code, {
      eval: entry.eval,
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB, maxYoungGenerationSizeMb: THREAD_YOUNG_MB },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null, started: 0 };
    worker.on("message", (message: FromThread) => this.onMessage(slot, message));
    worker.on("error", (error) => this.replace(slot, `render failed: the render thread stopped (${error.message})`));
    worker.on("exit", () => this.replace(slot, "render failed: the render thread exited"));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.started = performance.now();
    const { cache, shopifyQuery, ...rest } = job.input;
    const limit = this.hardLimitMs ?? (job.input.limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs) + HARD_LIMIT_MARGIN_MS;
    slot.timer = setTimeout(
      () =>
        this.replace(
          slot,
          `Liquid render stopped after ${limit} ms: the script ran past its time limit without yielding (for example a very slow filter call)`,
        ),
      limit,
    );
    const message: ToThread = {
      kind: "render",
      id: job.id,
      input: stringifyJson(rest),
      hasCache: Boolean(cache),
      hasShopify: Boolean(shopifyQuery),
    };
    slot.worker.postMessage(message);
  }

  private onMessage(slot: Slot, message: FromThread): void {
    if (message.kind === "ready") {
      slot.ready = true;
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (!job || message.id !== job.id) return;
    if (message.kind === "done") {
      this.finish(slot, parseJson(message.result) as RenderResult);
      return;
    }
    const args = parseJson(message.args) as unknown[];
    const answer =
      message.fn === "cache"
        ? job.input.cache
          ? job.input.cache.get(String(args[0]))
          : Promise.resolve(undefined)
        : job.input.shopifyQuery
          ? job.input.shopifyQuery(String(args[0]), args[1] as Record<string, unknown> | undefined)
          : Promise.reject(new Error("no Admin API in this render"));
    answer.then(
      (value) => {
        if (slot.job !== job) return;
        const reply: ToThread = {
          kind: "reply",
          callId: message.callId,
          ok: true,
          value: value === undefined ? "" : stringifyJson(value),
        };
        slot.worker.postMessage(reply);
      },
      (error: unknown) => {
        if (slot.job !== job) return;
        const reply: ToThread = {
          kind: "reply",
          callId: message.callId,
          ok: false,
          value: error instanceof Error ? error.message : String(error),
        };
        slot.worker.postMessage(reply);
      },
    );
  }

  private finish(slot: Slot, result: RenderResult): void {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    job?.resolve(result);
    this.dispatch();
  }

  /** The slot's thread is gone or must go: its job fails with `reason`, a new thread takes its place. */
  private replace(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return; // already replaced (terminate() also emits exit)
    this.slots.splice(index, 1);
    if (slot.timer) clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    slot.worker.removeAllListeners("message");
    slot.worker.on("error", () => {});
    void slot.worker.terminate();
    if (job) job.resolve(failed(reason, slot.started));
    if (!slot.ready) {
      // It never loaded: another would fail the same way, so the waiting renders fail now.
      for (const waiting of this.queue.splice(0)) waiting.resolve(failed(reason, performance.now()));
      return;
    }
    if (!this.closed) this.dispatch();
  }
}

let shared: RenderPool | null = null;

/** The process's render pool (created on first use). */
export function renderPool(): RenderPool {
  shared ??= new RenderPool();
  return shared;
}

/** renderTask's signature, rendered in the process's pool. */
export function renderInPool(input: RenderInput): Promise<RenderResult> {
  return renderPool().render(input);
}

export async function closeRenderPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
