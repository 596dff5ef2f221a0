// The runner's renders: in place when small (app/domain/tasks/inline-render.ts), else in the
// render pool's threads (docs/decisions/0106, amending 0072). Rendering has no effects, so a
// render tried in place and then given to a thread is simply done again there.
import { fitsInline, inlineLimits } from "~/domain/tasks/inline-render";
import { renderTask, type RenderInput, type RenderResult } from "~/domain/tasks/render";
import { renderInPool } from "./pool.server";

export type RenderFn = (input: RenderInput) => Promise<RenderResult>;

/** Task versions remembered at once (by template cache key: task id and version). */
const MAX_REMEMBERED = 10_000;
/**
 * In-place renders of one task version that may reach the in-place limits before it renders only
 * in threads. More than one: the time limit is wall-clock, and a first render in a
 * process (cold code) or a machine short of CPU can reach it once for a small script.
 */
export const STRIKES = 3;
/** How long a task version's strikes, and then its thread-only state, last. */
export const REMEMBER_MS = 10 * 60_000;
/** The part of a strike each in-place render within the limits takes away. */
export const STRIKE_FADE = 0.01;

export class InlineFirstRenderer {
  /** Renders done in place / given to a thread (for tests and benchmarks). */
  readonly counts = { inline: 0, thread: 0 };
  /**
   * Strikes per task version, until when they count. A heavy script costs the calling thread at
   * most STRIKES short stops (each within the in-place time limit plus one node) per REMEMBER_MS.
   */
  private readonly strikes = new Map<string, { count: number; until: number }>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly inThread: RenderFn,
    private readonly inPlace: RenderFn = renderTask,
    private readonly now: () => number = Date.now,
  ) {}

  readonly render = async (input: RenderInput): Promise<RenderResult> => {
    const key = input.templateCacheKey;
    if (!key || this.isThreadOnly(key) || !fitsInline(input)) return this.toThread(input);
    // Lookups wait for I/O, which the in-place time limit would count: the script goes to a thread.
    let wantsLookup = false;
    const refuse = (): Promise<never> => {
      wantsLookup = true;
      return Promise.reject(new Error("looked up in a render thread instead"));
    };
    // Object.assign, not a spread: V8 spread an input holding functions at microseconds per render.
    const inPlace: RenderInput = Object.assign({}, input, {
      limits: inlineLimits(input.limits),
      cache: input.cache ? { get: refuse } : undefined,
      shopifyQuery: input.shopifyQuery ? refuse : undefined,
    });
    const result = await this.oneAtATime(inPlace);
    if (wantsLookup) {
      this.strike(key, STRIKES);
      return this.toThread(input);
    }
    if (!result || result.stoppedAtLimit) {
      this.strike(key, 1);
      return this.toThread(input);
    }
    // A render within the limits takes a little of a strike away, so a small script that reached
    // the time limit now and then (a machine short of CPU) never adds up to thread-only.
    this.forgive(key);
    this.counts.inline += 1;
    return result;
  };

  /** True when the task version's renders go straight to a thread. */
  isThreadOnly(key: string): boolean {
    return (this.liveRecord(key)?.count ?? 0) >= STRIKES;
  }

  private liveRecord(key: string): { count: number; until: number } | undefined {
    const record = this.strikes.get(key);
    if (record && record.until <= this.now()) {
      this.strikes.delete(key);
      return undefined;
    }
    return record;
  }

  /**
   * In-place renders one after another: interleaved, each one's wall-clock time (what the limits
   * and `durationMs` measure) would count the others' work too.
   */
  private oneAtATime(input: RenderInput): Promise<RenderResult | null> {
    const run = this.tail.then(() => this.inPlace(input).catch(() => null));
    this.tail = run;
    return run;
  }

  private toThread(input: RenderInput): Promise<RenderResult> {
    this.counts.thread += 1;
    return this.inThread(input);
  }

  private forgive(key: string): void {
    const record = this.strikes.get(key);
    if (!record) return;
    record.count -= STRIKE_FADE;
    if (record.count <= 0) this.strikes.delete(key);
  }

  private strike(key: string, count: number): void {
    const live = this.liveRecord(key);
    this.strikes.delete(key); // re-inserted last: the oldest entry is the first to go
    this.strikes.set(key, { count: (live?.count ?? 0) + count, until: this.now() + REMEMBER_MS });
    if (this.strikes.size > MAX_REMEMBERED) this.strikes.delete(this.strikes.keys().next().value as string);
  }
}

let shared: InlineFirstRenderer | null = null;

/** renderTask's signature for the runner: in place when small, else in the process's pool. */
export function renderInlineFirst(input: RenderInput): Promise<RenderResult> {
  shared ??= new InlineFirstRenderer(renderInPool);
  return shared.render(input);
}
