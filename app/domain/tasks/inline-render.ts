// Which task renders may run on the calling thread instead of a render thread, and the tighter
// limits they run under there (docs/decisions/0106). A render thread costs two cross-thread
// messages, a JSON round trip and a context switch per render: several times the cost of rendering
// a small script. A small render runs in place under these limits; one that reaches them, or
// wants a lookup (cache, Admin API), is rendered again in a thread with the task's own limits, so
// the outcome is always the one a thread would give.
import { DEFAULT_LIMITS } from "~/domain/liquid/engine";
import type { RenderInput, TaskEvent } from "./render";

export const INLINE_RENDER = {
  /** Script source, in characters: its first parse also happens in place. */
  maxScriptChars: 16_384,
  /** The event's stored JSON text with its parents', in characters: parsed in place. */
  maxEventJsonChars: 65_536,
  /** Render time in place (checked between nodes, as the engine's renderLimit). */
  renderLimitMs: 50,
  /** liquidjs allocation units in place (string lengths, array sizes, ranges). */
  memoryLimit: 1_000_000,
} as const;

function eventJsonChars(event: TaskEvent | null | undefined): number {
  let total = 0;
  for (let e = event; e; e = e.parent) {
    // An event given as parsed data (previews) has no cheap size: it is not rendered in place.
    if (e.dataJson === undefined) return Infinity;
    total += e.dataJson.length;
  }
  return total;
}

/** True when the render is small enough to try in place. */
export function fitsInline(input: RenderInput): boolean {
  return (
    typeof input.script === "string" &&
    input.script.length <= INLINE_RENDER.maxScriptChars &&
    eventJsonChars(input.event) <= INLINE_RENDER.maxEventJsonChars
  );
}

/** The input's limits, tightened to the in-place ones. */
export function inlineLimits(limits: RenderInput["limits"]): NonNullable<RenderInput["limits"]> {
  return {
    ...limits,
    renderLimitMs: Math.min(limits?.renderLimitMs ?? DEFAULT_LIMITS.renderLimitMs, INLINE_RENDER.renderLimitMs),
    memoryLimit: Math.min(limits?.memoryLimit ?? DEFAULT_LIMITS.memoryLimit, INLINE_RENDER.memoryLimit),
    timeoutMs: limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
  };
}
