// Turns a received request (already read, within the size limit) into event data.
// "auto" mode follows Mechanic: body params merged over query params, no wrapper; then query
// params alone; then the raw body string; then null. "full" mode hands the task the whole request.
import { jsonErrorReason, MAX_REQUEST_JSON_DEPTH, parseJson } from "~/domain/json";
import { isEmptyParams, ParamsError, parseNestedQuery, type ParamObject } from "./params";
import { MultipartError, MultipartLimitError, parseMultipart } from "./multipart";

export type DataMode = "auto" | "full";
export type BodyKind = "json" | "form" | "multipart" | "text";

export const ACCEPTED_CONTENT_TYPES = [
  "application/json",
  "application/*+json",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
] as const;

export interface ReceivedRequest {
  /** The Content-Type header as sent, or null. */
  contentType: string | null;
  body: Uint8Array;
  /** The raw query string without "?" ("" when there is none). */
  queryString: string;
}

export interface FullRequestFacts {
  /** Lower-case header name -> values in order; a repeated header keeps one entry per occurrence. */
  headers: Record<string, string[]>;
  clientIp: string | null;
  requestId: string;
  webhookId: string;
}

export type IngressData = { ok: true; data: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/** The media type ("application/json") of a Content-Type header, lower-cased, or null when absent or blank. */
export function mediaType(contentType: string | null): string | null {
  if (contentType === null) return null;
  const type = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return type === "" ? null : type;
}

/** Which parser handles a media type; null means the type is not accepted. A missing type is text. */
export function bodyKind(type: string | null): BodyKind | null {
  if (type === null || type === "text/plain") return "text";
  if (type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))) return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  if (type === "multipart/form-data") return "multipart";
  return null;
}

export function unsupportedTypeMessage(type: string): string {
  return `Unsupported Content-Type "${type.slice(0, 100)}"; accepted: ${ACCEPTED_CONTENT_TYPES.join(", ")} (or none)`;
}

const utf8 = new TextDecoder("utf-8");

export function decodeText(body: Uint8Array): string {
  const text = utf8.decode(body); // replaces invalid sequences with U+FFFD rather than failing
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

type ParsedBody =
  | { ok: true; kind: "json"; empty: boolean; value: unknown }
  | { ok: true; kind: "params"; params: ParamObject }
  | { ok: true; kind: "text" }
  | { ok: false; status: 400 | 413; message: string };

async function parseBody(kind: BodyKind, request: ReceivedRequest, text: string): Promise<ParsedBody> {
  try {
    switch (kind) {
      case "json":
        if (text.trim() === "") return { ok: true, kind: "json", empty: true, value: null };
        try {
          return { ok: true, kind: "json", empty: false, value: parseJson(text, { maxDepth: MAX_REQUEST_JSON_DEPTH }) };
        } catch (error) {
          return { ok: false, status: 400, message: `Malformed JSON body: ${jsonErrorReason(error)}` };
        }
      case "form":
        return { ok: true, kind: "params", params: parseNestedQuery(text) };
      case "multipart":
        if (request.body.byteLength === 0) return { ok: true, kind: "params", params: {} };
        return { ok: true, kind: "params", params: await parseMultipart(request.body, request.contentType!) };
      case "text":
        return { ok: true, kind: "text" };
    }
  } catch (error) {
    if (error instanceof ParamsError)
      return { ok: false, status: 400, message: `Malformed form body: ${error.message}` };
    if (error instanceof MultipartLimitError)
      return { ok: false, status: 413, message: `Payload Too Large: the multipart body has ${error.message}` };
    if (error instanceof MultipartError)
      return { ok: false, status: 400, message: `Malformed multipart body: ${error.message}` };
    throw error;
  }
}

function parseQuery(
  queryString: string,
): { ok: true; query: ParamObject } | { ok: false; status: 400; message: string } {
  try {
    return { ok: true, query: parseNestedQuery(queryString) };
  } catch (error) {
    if (error instanceof ParamsError)
      return { ok: false, status: 400, message: `Malformed query string: ${error.message}` };
    throw error;
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Body keys win over query keys (a shallow merge, top-level keys only). */
function mergeOver(query: ParamObject, body: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const source of [query, body]) {
    for (const key of Object.keys(source)) {
      Object.defineProperty(merged, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}

/** Builds event.data in "auto" mode, or the 400/415 answer. */
export async function buildAutoData(request: ReceivedRequest): Promise<IngressData> {
  const type = mediaType(request.contentType);
  const kind = bodyKind(type);
  if (kind === null) return { ok: false, status: 415, message: unsupportedTypeMessage(type!) };
  const query = parseQuery(request.queryString);
  if (!query.ok) return query;
  const text = decodeText(request.body);
  const parsed = await parseBody(kind, request, text);
  if (!parsed.ok) return parsed;

  if (parsed.kind === "json" && !parsed.empty) {
    // A JSON object merges over the query; any other JSON value is the data as it is.
    return { ok: true, data: isJsonObject(parsed.value) ? mergeOver(query.query, parsed.value) : parsed.value };
  }
  if (parsed.kind === "params" && !isEmptyParams(parsed.params)) {
    return { ok: true, data: mergeOver(query.query, parsed.params) };
  }
  if (!isEmptyParams(query.query)) return { ok: true, data: query.query };
  // A JSON body of only whitespace is an empty body, not a string.
  if (text === "" || (parsed.kind === "json" && parsed.empty)) return { ok: true, data: null };
  return { ok: true, data: text };
}

/**
 * Builds event.data in "full request" mode. Any content type is accepted (the task gets the bytes
 * as body_base64); `body` is the parsed JSON value or form params for the types we parse, else null.
 * Malformed JSON is still refused with 400, as in auto mode.
 */
export async function buildFullRequestData(request: ReceivedRequest, facts: FullRequestFacts): Promise<IngressData> {
  const type = mediaType(request.contentType);
  const query = parseQuery(request.queryString);
  if (!query.ok) return query;
  const kind = bodyKind(type);
  const text = decodeText(request.body);
  let body: unknown = null;
  if (kind !== null && kind !== "text") {
    const parsed = await parseBody(kind, request, text);
    if (!parsed.ok) return parsed;
    if (parsed.kind === "json") body = parsed.empty ? null : parsed.value;
    else if (parsed.kind === "params") body = isEmptyParams(parsed.params) ? null : parsed.params;
  }
  return {
    ok: true,
    data: {
      body,
      body_base64: Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString(
        "base64",
      ),
      headers: facts.headers,
      mime_type: type,
      query_string: request.queryString,
      query: query.query,
      client_ip: facts.clientIp,
      request_id: facts.requestId,
      webhook_id: facts.webhookId,
    },
  };
}

/** Groups raw header pairs ([name, value, name, value, ...] as Node's rawHeaders) by lower-case name. */
export function groupRawHeaders(rawHeaders: readonly string[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(grouped, name)) {
      Object.defineProperty(grouped, name, { value: [], enumerable: true, writable: true, configurable: true });
    }
    grouped[name]!.push(rawHeaders[i + 1]!);
  }
  return grouped;
}
