// A render thread: renders task scripts (app/domain/tasks/render.ts) for a render pool, so a slow
// or runaway script never runs on a process's event loop and can be stopped by terminating the
// thread. Cache reads and Admin API lookups are asked of the main thread.
import { parentPort } from "node:worker_threads";
import { parseJson, stringifyJson } from "~/domain/json";
import { renderTask, type RenderInput } from "~/domain/tasks/render";
import type { CallReply, FromThread, ToThread } from "./protocol";

const port = parentPort;
if (!port) throw new Error("app/services/render/thread.ts runs only as a worker thread");

let nextCallId = 1;
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
const send = (message: FromThread) => port.postMessage(message);

function call(id: number, fn: "cache" | "shopify", args: unknown[]): Promise<unknown> {
  const callId = nextCallId++;
  return new Promise((resolve, reject) => {
    waiting.set(callId, { resolve, reject });
    send({ kind: "call", id, callId, fn, args: stringifyJson(args) });
  });
}

function settle(reply: CallReply): void {
  const pending = waiting.get(reply.callId);
  if (!pending) return;
  waiting.delete(reply.callId);
  if (reply.ok) pending.resolve(reply.value === "" ? undefined : parseJson(reply.value));
  else pending.reject(new Error(reply.value));
}

port.on("message", (message: ToThread) => {
  if (message.kind === "reply") return settle(message);
  const input = parseJson(message.input) as RenderInput;
  if (message.hasCache) input.cache = { get: (key) => call(message.id, "cache", [key]) };
  if (message.hasShopify)
    input.shopifyQuery = (query, variables) => call(message.id, "shopify", variables ? [query, variables] : [query]);
  void renderTask(input).then((result) => send({ kind: "done", id: message.id, result: stringifyJson(result) }));
});

send({ kind: "ready" });
