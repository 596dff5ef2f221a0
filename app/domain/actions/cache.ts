// The "cache" action: Redis-like commands on the shop's key/value store (Mechanic's cache).
// Positional form ["set", "k", v] / ["setex", "k", ttl, v] / ["incrby", "k", n] ... and object
// form { "set": { "key": "k", "value": v, "ttl": 600 } }. Keys /^[a-z0-9_:\-./]+$/i, values JSON
// up to 256 KB, TTL 60 days by default and at most, reset by every command; missing keys count as 0.
import { FloatNumber, stringifyJson } from "~/domain/json";
import {
  describeError,
  isPlainObject,
  permanentFailure,
  succeeded,
  transientFailure,
  type ActionOutcome,
} from "./types";

export const CACHE_KEY_PATTERN = /^[a-z0-9_:\-./]+$/i;
export const CACHE_MAX_VALUE_BYTES = 256 * 1024;
export const CACHE_MAX_TTL_SECONDS = 60 * 24 * 60 * 60; // 5,184,000
export const CACHE_MAX_KEY_LENGTH = 255;

export type CacheCommand =
  | { op: "set"; key: string; valueJson: string; ttlSeconds: number }
  | { op: "del"; key: string }
  | { op: "incrby"; key: string; by: bigint; ttlSeconds: number };

/** The store the command is applied to; `app/data/cache.server.ts` implements it on the database. */
export interface CacheStore {
  set(key: string, valueJson: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<boolean>;
  /** Adds `by` to the integer at key (missing or expired = 0) and returns the new value. */
  incrBy(key: string, by: bigint, ttlSeconds: number): Promise<bigint>;
}

const COMMANDS = ["set", "setex", "del", "incr", "incrby", "decr", "decrby"] as const;
type CommandName = (typeof COMMANDS)[number];

function checkKey(key: unknown): string | { error: string } {
  if (typeof key !== "string" || key === "") return { error: "cache key must be a non-empty string" };
  if (key.length > CACHE_MAX_KEY_LENGTH)
    return { error: `cache key is longer than ${CACHE_MAX_KEY_LENGTH} characters` };
  if (!CACHE_KEY_PATTERN.test(key))
    return { error: `cache key ${JSON.stringify(key)} may only contain letters, digits and _ : - . /` };
  return key;
}

function checkTtl(ttl: unknown): number | { error: string } {
  if (ttl === undefined || ttl === null) return CACHE_MAX_TTL_SECONDS;
  const n =
    typeof ttl === "string" && /^\d+$/.test(ttl)
      ? Number(ttl)
      : typeof ttl === "bigint" || ttl instanceof FloatNumber
        ? Number(ttl)
        : ttl;
  if (typeof n !== "number" || !Number.isInteger(n) || n <= 0)
    return { error: `cache ttl must be a positive whole number of seconds (got ${JSON.stringify(String(ttl))})` };
  return Math.min(n, CACHE_MAX_TTL_SECONDS);
}

function checkAmount(amount: unknown): bigint | { error: string } {
  if (typeof amount === "bigint") return amount;
  if (typeof amount === "number" && Number.isInteger(amount)) return BigInt(amount);
  if (typeof amount === "string" && /^-?\d+$/.test(amount.trim())) return BigInt(amount.trim());
  return { error: `cache increment must be a whole number (got ${JSON.stringify(String(amount))})` };
}

function checkValue(value: unknown): string | { error: string } {
  const text = stringifyJson(value === undefined ? null : value);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > CACHE_MAX_VALUE_BYTES)
    return { error: `cache value is ${bytes} bytes as JSON; the limit is ${CACHE_MAX_VALUE_BYTES} (256 KB)` };
  return text;
}

/** Reads positional or object options into one command, or says what is wrong. */
export function parseCacheCommand(options: unknown): CacheCommand | { error: string } {
  let name: string;
  let key: unknown;
  let value: unknown;
  let ttl: unknown;
  let amount: unknown;
  if (Array.isArray(options)) {
    name = String(options[0] ?? "").toLowerCase();
    key = options[1];
    if (name === "set") {
      if (options.length !== 3) return { error: 'cache set takes a key and a value: ["set", "key", value]' };
      value = options[2];
    } else if (name === "setex") {
      if (options.length !== 4)
        return { error: 'cache setex takes a key, a ttl and a value: ["setex", "key", ttl, value]' };
      ttl = options[2];
      value = options[3];
    } else if (name === "incrby" || name === "decrby") {
      if (options.length !== 3) return { error: `cache ${name} takes a key and an amount: ["${name}", "key", n]` };
      amount = options[2];
    } else if (name === "del" || name === "incr" || name === "decr") {
      if (options.length !== 2) return { error: `cache ${name} takes just a key: ["${name}", "key"]` };
    }
  } else if (isPlainObject(options)) {
    const names = Object.keys(options).filter((k) => !k.startsWith("__"));
    if (names.length !== 1) return { error: `cache action needs exactly one command (${COMMANDS.join(", ")})` };
    name = names[0].toLowerCase();
    const args = options[names[0]];
    if (!isPlainObject(args)) return { error: `cache ${name} needs an object like { "key": "..." }` };
    key = args.key;
    value = args.value;
    ttl = args.ttl;
    amount = args.increment ?? args.decrement ?? args.by ?? args.amount ?? args.value;
    if ((name === "set" || name === "setex") && !("value" in args)) return { error: `cache ${name} needs a value` };
    if (name === "setex" && ttl === undefined) return { error: "cache setex needs a ttl" };
    if ((name === "incrby" || name === "decrby") && amount === undefined)
      return { error: `cache ${name} needs an amount (increment)` };
  } else {
    return {
      error:
        'cache action options must be a command list like ["set", "key", value] or an object like { "set": { "key": "...", "value": ... } }',
    };
  }
  if (!(COMMANDS as readonly string[]).includes(name))
    return { error: `unknown cache command ${JSON.stringify(name)}; use one of ${COMMANDS.join(", ")}` };
  const checkedKey = checkKey(key);
  if (typeof checkedKey !== "string") return checkedKey;
  const checkedTtl = checkTtl(ttl);
  if (typeof checkedTtl !== "number") return checkedTtl;

  switch (name as CommandName) {
    case "set":
    case "setex": {
      const json = checkValue(value);
      if (typeof json !== "string") return json;
      return { op: "set", key: checkedKey, valueJson: json, ttlSeconds: checkedTtl };
    }
    case "del":
      return { op: "del", key: checkedKey };
    case "incr":
      return { op: "incrby", key: checkedKey, by: 1n, ttlSeconds: checkedTtl };
    case "decr":
      return { op: "incrby", key: checkedKey, by: -1n, ttlSeconds: checkedTtl };
    case "incrby":
    case "decrby": {
      const by = checkAmount(amount);
      if (typeof by !== "bigint") return by;
      return { op: "incrby", key: checkedKey, by: name === "decrby" ? -by : by, ttlSeconds: checkedTtl };
    }
  }
}

export async function performCache(options: unknown, store: CacheStore): Promise<ActionOutcome> {
  const command = parseCacheCommand(options);
  if ("error" in command) return permanentFailure(command.error);
  try {
    switch (command.op) {
      case "set":
        await store.set(command.key, command.valueJson, command.ttlSeconds);
        return succeeded({ command: "set", key: command.key, ttl: command.ttlSeconds });
      case "del": {
        const existed = await store.del(command.key);
        return succeeded({ command: "del", key: command.key, deleted: existed });
      }
      case "incrby": {
        const value = await store.incrBy(command.key, command.by, command.ttlSeconds);
        const asNumber =
          value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
        return succeeded({ command: "incrby", key: command.key, value: asNumber, ttl: command.ttlSeconds });
      }
    }
  } catch (error) {
    if (error instanceof CacheValueError) return permanentFailure(error.message);
    return transientFailure(`cache store failed: ${describeError(error)}`);
  }
}

/** Thrown by a store when a command cannot apply to the stored value (incr on a non-integer). */
export class CacheValueError extends Error {}
