// The "respond" action (issue 15, docs/decisions/0075): the HTTP response a wait-mode webhook's
// caller gets. Options { status, headers, body } (the mapped tag form, or the block form's JSON).
// This module checks and shapes the response; delivering it to the waiting caller is the runner's
// (app/services/runner/respond.ts), through Redis to the web process that holds the request.
import { numberValue, stringifyJson } from "~/domain/json";
import { isPlainObject, permanentFailure, succeeded, type ActionOutcome } from "./types";

export const RESPOND_STATUS = { min: 200, max: 599, default: 200 } as const;
/** Largest response body (UTF-8 bytes): like the largest request body, 1 MiB. */
export const RESPOND_MAX_BODY_BYTES = 1024 * 1024;
const MAX_HEADERS = 50;
const MAX_HEADER_VALUE_LENGTH = 8 * 1024;

/**
 * Headers a task may set: the content's type and caching, a redirect's location, and any `x-*`
 * header. Never cookies (the webhook's origin is the app's, not the merchant's), hop-by-hop headers
 * or anything that frames the message (the web server sets those), nor X-Request-Id (ingress's own).
 */
const ALLOWED_HEADERS = new Set(["content-type", "cache-control", "location"]);
const RESERVED_X_HEADERS = new Set(["x-request-id", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"]);

export function isAllowedResponseHeader(lowerName: string): boolean {
  if (ALLOWED_HEADERS.has(lowerName)) return true;
  return lowerName.startsWith("x-") && lowerName.length > 2 && !RESERVED_X_HEADERS.has(lowerName);
}

// RFC 9110 token characters (a header name).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space and tab: no CR/LF (header injection), no other controls, no non-ASCII.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** The response as the caller gets it (before the webhook's CORS headers and X-Request-Id). */
export interface HttpResponseSpec {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface CheckedResponse {
  response: HttpResponseSpec;
  /** Header names the task set that are not allowed (not sent; recorded on the action run). */
  strippedHeaders: string[];
}

function statusOf(value: unknown): number | { error: string } {
  if (value === undefined || value === null) return RESPOND_STATUS.default;
  const n = typeof value === "string" && /^\d{3}$/.test(value.trim()) ? Number(value.trim()) : numberValue(value);
  if (n === null || !Number.isInteger(n) || n < RESPOND_STATUS.min || n > RESPOND_STATUS.max) {
    return {
      error: `respond status must be a whole number from ${RESPOND_STATUS.min} to ${RESPOND_STATUS.max} (got ${JSON.stringify(String(value))})`,
    };
  }
  return n;
}

function headerValue(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  const n = numberValue(value);
  return n === null ? null : String(n);
}

/** Checks the action's options; an error fails the action (the caller then gets no response from it). */
export function checkRespondOptions(options: unknown): CheckedResponse | { error: string } {
  if (!isPlainObject(options)) {
    return {
      error:
        'respond action options must be an object like { "status": 200, "headers": { "content-type": "application/json" }, "body": ... }',
    };
  }
  const unknown = Object.keys(options).filter((k) => !["status", "headers", "body"].includes(k) && !k.startsWith("__"));
  if (unknown.length) {
    return {
      error: `respond action: unknown option${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} (use status, headers, body)`,
    };
  }
  const status = statusOf(options.status);
  if (typeof status !== "number") return status;

  const headers: Record<string, string> = {};
  const strippedHeaders: string[] = [];
  const given = options.headers ?? {};
  if (!isPlainObject(given)) return { error: "respond headers must be an object of header names and values" };
  const entries = Object.entries(given);
  if (entries.length > MAX_HEADERS)
    return { error: `respond sets ${entries.length} headers; the limit is ${MAX_HEADERS}` };
  for (const [name, raw] of entries) {
    const lower = name.trim().toLowerCase();
    if (!HEADER_NAME.test(lower))
      return { error: `respond header name ${JSON.stringify(name)} is not a valid HTTP header name` };
    if (!isAllowedResponseHeader(lower)) {
      strippedHeaders.push(lower);
      continue;
    }
    const value = headerValue(raw);
    if (value === null) return { error: `respond header ${lower} must be a string or a number` };
    if (value.length > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.test(value)) {
      return {
        error: `respond header ${lower} must be printable ASCII without line breaks, at most ${MAX_HEADER_VALUE_LENGTH} characters`,
      };
    }
    headers[lower] = value;
  }

  // A string is sent as it is; anything else as JSON. No body (or null) is an empty body.
  const given_body = options.body;
  const isText = typeof given_body === "string";
  const body = given_body === undefined || given_body === null ? "" : isText ? given_body : stringifyJson(given_body);
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > RESPOND_MAX_BODY_BYTES) {
    return { error: `respond body is ${bytes} bytes; the limit is ${RESPOND_MAX_BODY_BYTES} (1 MiB)` };
  }
  if (body !== "" && !("content-type" in headers)) {
    headers["content-type"] = isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  }
  // These statuses have no body in HTTP; sending one would corrupt the connection.
  if ((status === 204 || status === 205 || status === 304) && body !== "") {
    return { error: `a ${status} response has no body: leave body out or use another status` };
  }
  return { response: { status, headers, body }, strippedHeaders };
}

/** Whether the response reached the caller, as recorded on the action run. */
export type Delivery =
  | { delivered: true }
  | {
      delivered: false;
      /** "not delivered: already answered", ... */
      reason: string;
    };

/** Hands a checked response to the waiting caller (the runner's part). */
export type DeliverResponse = (response: HttpResponseSpec) => Promise<Delivery & { answeredInMs?: number }>;

/**
 * Performs the respond action: checks it, hands the response over, and records what was sent. Not
 * being delivered (already answered, nobody waiting) is not a failure of the task: it is recorded.
 */
export async function performRespond(options: unknown, deliver: DeliverResponse | undefined): Promise<ActionOutcome> {
  const checked = checkRespondOptions(options);
  if ("error" in checked) return permanentFailure(checked.error);
  const delivery = deliver
    ? await deliver(checked.response)
    : { delivered: false as const, reason: "not delivered: nobody is waiting for this event's response" };
  return succeeded({
    ...checked.response,
    ...(checked.strippedHeaders.length ? { strippedHeaders: checked.strippedHeaders } : {}),
    ...delivery,
  });
}

/** Longest body shown in a preview (the action run records the whole body). */
const PREVIEW_BODY_CHARS = 2_000;

/**
 * What the caller would get from a respond action, as text for previews, dry runs and
 * `hookline tasks preview` (nothing is delivered): the status line, the headers and the body, or
 * why the action would fail.
 */
export function describeResponse(options: unknown): string {
  const checked = checkRespondOptions(options);
  if ("error" in checked) return `the action would fail: ${checked.error}`;
  const { status, headers, body } = checked.response;
  const lines = [`HTTP ${status}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (checked.strippedHeaders.length) lines.push(`(not sent: ${checked.strippedHeaders.join(", ")})`);
  if (body !== "") {
    lines.push(
      "",
      body.length > PREVIEW_BODY_CHARS ? `${body.slice(0, PREVIEW_BODY_CHARS)}... (${body.length} characters)` : body,
    );
  }
  return lines.join("\n");
}
