// The "http" action: one outgoing HTTP request. Every address the host name resolves to is checked
// against the address policy at connect time (so DNS cannot swap in a private address after the
// check), IP literals are checked before connecting, and redirects are followed hop by hop under the
// same rules, at most MAX_REDIRECTS of them. A redirect to another origin drops the credential
// headers (Authorization, Cookie, ...), as browsers and curl do, for the rest of the chain. Any HTTP
// response is a success unless `error_on_5xx` is set (Mechanic's rule); network errors and timeouts
// are transient.
import http from "node:http";
import https from "node:https";
import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { refusalReason, type AddressPolicy } from "./address-policy";
import { FloatNumber, parseJson, stringifyJson } from "~/domain/json";
import {
  describeError,
  isPlainObject,
  permanentFailure,
  succeeded,
  transientFailure,
  type ActionOutcome,
} from "./types";

export const HTTP_METHODS = ["options", "head", "get", "post", "put", "patch", "delete"] as const;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** Redirects followed before the action fails (browsers allow 20, curl 30 with -L; 5 is plenty for APIs). */
export const MAX_REDIRECTS = 5;

/**
 * Headers that carry credentials. Browsers drop Authorization on a cross-origin redirect and curl
 * drops Authorization and Cookie on a host change; the common API-key headers are credentials too.
 */
const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "cookie2",
  "x-api-key",
  "api-key",
  "apikey",
  "x-auth-token",
  "x-access-token",
  "x-shopify-access-token",
  "x-csrf-token",
]);

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

/** The headers without credentials (names are already lower case). */
export function withoutCredentials(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isCredentialHeader(name)));
}

export interface HttpDeps {
  policy: AddressPolicy;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Resolves a host to every address (injectable for tests of hostile DNS answers). */
  resolveAll?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export interface HttpRequestSpec {
  method: (typeof HTTP_METHODS)[number];
  url: URL;
  headers: Record<string, string | string[]>;
  body: Buffer | null;
  followRedirects: boolean;
  errorOn5xx: boolean;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string[]>;
  body: unknown;
  body_base64: string;
  body_truncated?: boolean;
}

/** Validates the action's options into a request, or says what is wrong. */
export function parseHttpOptions(options: unknown): HttpRequestSpec | { error: string } {
  if (!isPlainObject(options)) return { error: "the http action needs an object with method and url" };
  const method = typeof options.method === "string" ? options.method.toLowerCase() : "";
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return {
      error: `http action method must be one of ${HTTP_METHODS.join(", ")} (got ${JSON.stringify(options.method ?? null)})`,
    };
  }
  if (typeof options.url !== "string") return { error: "http action url must be a string" };
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return { error: `http action url is not a valid URL: ${options.url}` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { error: `http action url must be http or https (got ${url.protocol})` };
  if (url.username || url.password)
    return { error: "http action url must not contain credentials; send an Authorization header" };

  const headers: Record<string, string | string[]> = {};
  if (options.headers !== undefined && options.headers !== null) {
    if (!isPlainObject(options.headers)) return { error: "http action headers must be an object" };
    for (const [name, value] of Object.entries(options.headers)) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))
        return { error: `http action header name is not valid: ${JSON.stringify(name)}` };
      const values = Array.isArray(value) ? value : [value];
      const texts = values.map((v) =>
        typeof v === "string"
          ? v
          : typeof v === "number" || typeof v === "boolean" || v instanceof FloatNumber
            ? String(v)
            : null,
      );
      if (texts.some((t) => t === null || /[\r\n\0]/.test(t)))
        return { error: `http action header ${name} must be text without line breaks` };
      headers[name.toLowerCase()] = texts.length === 1 ? (texts[0] as string) : (texts as string[]);
    }
  }

  let body: Buffer | null = null;
  const raw = options.body;
  if (raw !== undefined && raw !== null) {
    if (typeof raw === "string") {
      body = Buffer.from(raw, "utf8");
    } else if (typeof raw === "object" || typeof raw === "number" || typeof raw === "boolean") {
      const contentType = String(headers["content-type"] ?? "").toLowerCase();
      if (contentType.startsWith("application/x-www-form-urlencoded") && isPlainObject(raw)) {
        body = Buffer.from(formEncode(raw), "utf8");
      } else {
        body = Buffer.from(stringifyJson(raw), "utf8");
        if (!headers["content-type"]) headers["content-type"] = "application/json";
      }
    }
    if (body && (method === "get" || method === "head"))
      return { error: `http action ${method.toUpperCase()} requests cannot have a body` };
  }
  return {
    method: method as HttpRequestSpec["method"],
    url,
    headers,
    body,
    followRedirects: options.follow_redirects !== false,
    errorOn5xx: options.error_on_5xx === true,
  };
}

function formEncode(value: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const add = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) v.forEach((item) => add(`${prefix}[]`, item));
    else if (isPlainObject(v)) for (const [k, child] of Object.entries(v)) add(`${prefix}[${k}]`, child);
    else params.append(prefix, v === null || v === undefined ? "" : String(v));
  };
  for (const [k, v] of Object.entries(value)) add(k, v);
  return params.toString();
}

class RefusedAddressError extends Error {}

function defaultResolveAll(hostname: string) {
  return dns.promises.lookup(hostname, { all: true, verbatim: true });
}

/** A socket lookup that resolves every address and refuses the connection if any is disallowed. */
function guardedLookup(deps: HttpDeps): LookupFunction {
  const resolveAll = deps.resolveAll ?? defaultResolveAll;
  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(new Error(`no addresses for ${hostname}`), "", 4);
        for (const { address } of addresses) {
          const reason = refusalReason(hostname, address, deps.policy);
          if (reason) return callback(new RefusedAddressError(reason), "", 4);
        }
        const wanted =
          options.family === 4 || options.family === 6
            ? addresses.filter((a) => a.family === options.family)
            : addresses;
        const usable = wanted.length ? wanted : addresses;
        if (options.all)
          (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, "", 4),
    );
  };
}

function sendOnce(
  spec: HttpRequestSpec,
  url: URL,
  deps: HttpDeps,
  deadline: number,
): Promise<{ status: number; headers: Record<string, string[]>; bytes: Buffer; truncated: boolean }> {
  const maxBytes = deps.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return new Promise((resolve, reject) => {
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(hostname)) {
      const reason = refusalReason(hostname, hostname, deps.policy);
      if (reason) return reject(new RefusedAddressError(reason));
    }
    const client = url.protocol === "https:" ? https : http;
    const headers: Record<string, string | string[]> = { "user-agent": "Hookline (+http action)", ...spec.headers };
    if (spec.body) headers["content-length"] = String(spec.body.length);
    const remaining = Math.max(1, deadline - Date.now());
    const req = client.request(url, {
      method: spec.method.toUpperCase(),
      headers,
      lookup: guardedLookup(deps),
      agent: false,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${deps.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      remaining,
    );
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on("data", (chunk: Buffer) => {
        if (truncated) return;
        if (size + chunk.length > maxBytes) {
          chunks.push(chunk.subarray(0, maxBytes - size));
          size = maxBytes;
          truncated = true;
          res.destroy(); // stop reading; what we have is recorded
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const out: Record<string, string[]> = {};
        for (const [name, values] of Object.entries(res.headersDistinct)) if (values) out[name] = values;
        resolve({ status: res.statusCode ?? 0, headers: out, bytes: Buffer.concat(chunks), truncated });
      };
      res.on("end", finish);
      res.on("error", (error) => {
        if (!truncated) {
          clearTimeout(timer);
          reject(error);
        }
      });
    });
    req.end(spec.body ?? undefined);
  });
}

function decodeBody(bytes: Buffer, headers: Record<string, string[]>, truncated: boolean): unknown {
  const contentType = (headers["content-type"]?.[0] ?? "").toLowerCase();
  const text = bytes.toString("utf8");
  if (!truncated && /[/+]json\b/.test(contentType)) {
    try {
      return parseJson(text);
    } catch {
      return text; // a server that says JSON but sends something else: keep what it sent
    }
  }
  return text;
}

export async function performHttp(options: unknown, deps: HttpDeps): Promise<ActionOutcome> {
  const spec = parseHttpOptions(options);
  if ("error" in spec) return permanentFailure(spec.error);
  const deadline = Date.now() + (deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let url = spec.url;
  let current = spec;
  try {
    for (let hop = 0; ; hop++) {
      const response = await sendOnce(current, url, deps, deadline);
      const location = response.headers.location?.[0];
      if (current.followRedirects && location && [301, 302, 303, 307, 308].includes(response.status)) {
        if (hop >= MAX_REDIRECTS) return permanentFailure(`too many redirects (more than ${MAX_REDIRECTS})`);
        const next = new URL(location, url);
        if (next.protocol !== "http:" && next.protocol !== "https:")
          return permanentFailure(`redirect to unsupported protocol ${next.protocol}`);
        // Another origin (scheme, host or port) gets no credentials, now or later in the chain.
        if (next.origin !== url.origin) current = { ...current, headers: withoutCredentials(current.headers) };
        url = next;
        // 303 (and 301/302 after a POST, as browsers do) continue as GET without a body.
        const toGet =
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && current.method === "post");
        current = toGet ? { ...current, method: "get", body: null } : current;
        continue;
      }
      const result: HttpResult = {
        status: response.status,
        headers: response.headers,
        body: decodeBody(response.bytes, response.headers, response.truncated),
        body_base64: response.bytes.toString("base64"),
      };
      if (response.truncated) result.body_truncated = true;
      if (spec.errorOn5xx && response.status >= 500)
        return transientFailure(`the server answered HTTP ${response.status}`, { result });
      return succeeded(result);
    }
  } catch (error) {
    if (error instanceof RefusedAddressError) return permanentFailure(error.message);
    const inner = (error as { cause?: unknown }).cause;
    if (inner instanceof RefusedAddressError) return permanentFailure(inner.message);
    return transientFailure(`http request to ${url.origin} failed: ${describeError(error)}`);
  }
}
