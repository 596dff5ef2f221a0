// Messages between a render pool (app/services/render/pool.server.ts) and its threads
// (app/services/render/thread.ts). Values travel as exact JSON text (app/domain/json.ts), so
// 64-bit integers and whole-valued floats arrive as they left.

/** Main -> thread: render this. Functions of RenderInput are replaced by flags (called back over messages). */
export interface RenderRequest {
  kind: "render";
  id: number;
  /** RenderInput without cache and shopifyQuery, as exact JSON text. */
  input: string;
  hasCache: boolean;
  hasShopify: boolean;
}

/** Thread -> main: a value the render needs from the main thread. */
export interface CallRequest {
  kind: "call";
  id: number;
  callId: number;
  fn: "cache" | "shopify";
  /** JSON text of the arguments. */
  args: string;
}

/** Main -> thread: the answer to a CallRequest. */
export interface CallReply {
  kind: "reply";
  callId: number;
  ok: boolean;
  /** JSON text of the value (ok), or the error's message. */
  value: string;
}

/** Thread -> main: the finished render (RenderResult as exact JSON text). */
export interface RenderDone {
  kind: "done";
  id: number;
  result: string;
}

export type ToThread = RenderRequest | CallReply;
/** Thread -> main: loaded, ready to render (its load time is not counted against a render's limit). */
export interface ThreadReady {
  kind: "ready";
}

export type FromThread = CallRequest | RenderDone | ThreadReady;
