// Mechanic's filters beyond Shopify's (Mechanic's Liquid reference, platform/liquid/filters and its
// deprecated list): tags as comma lists, browser, e164, gzip/gunzip, parse_xml, rsa_sha256/512,
// sort_naturally, sample, the money filters and currency, url_escape/url_param_escape.
import { createSign } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { XMLParser } from "fast-xml-parser";
import { Drop } from "liquidjs";
import { fastXmlParser, libphonenumber, uaParser } from "./lazy-libraries";
import { charge, property, splitArgs, toArray, type FilterFunction, type FilterThis } from "./filter-args";
import { defaultMoneyFormats, formatCurrency, formatMoney, plainFormat } from "./money";
import { isLiquidTruthy } from "./operators";
import { stateOf } from "./state";
import { BinaryString, bytesOf, isPlainObject, textOrBinary, toLiquidString, unwrap } from "./values";

// ---------------------------------------------------------------- tags

/** A tag list as Mechanic's tag filters read it: a list, or a comma-separated string. */
function tagList(input: unknown): { tags: string[]; asArray: boolean } {
  const value = unwrap(input);
  if (Array.isArray(value)) return { tags: value.map(toLiquidString), asArray: true };
  const text = value === null || value === undefined ? "" : toLiquidString(value);
  return { tags: splitTags(text), asArray: false };
}

function splitTags(text: string): string[] {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

function tagArguments(args: unknown[]): { tags: string[]; sort: boolean } {
  const { positional, keywords } = splitArgs(args);
  const tags = positional.flatMap((arg) => {
    const value = unwrap(arg);
    return Array.isArray(value) ? value.map(toLiquidString) : splitTags(toLiquidString(value));
  });
  return { tags, sort: isLiquidTruthy(keywords.has("sort") ? keywords.get("sort") : true) };
}

function tagResult(tags: string[], asArray: boolean): string | string[] {
  return asArray ? tags : tags.join(", ");
}

/** add_tag(s): the tags plus the given ones, once each, sorted unless `sort: false` (case-sensitive). */
function addTags(input: unknown, ...args: unknown[]): string | string[] {
  const { tags, asArray } = tagList(input);
  const added = tagArguments(args);
  const merged = [...new Set([...tags, ...added.tags])];
  if (added.sort) merged.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return tagResult(merged, asArray);
}

/** remove_tag(s): the tags without the given ones (case-sensitive), in their order. */
function removeTags(input: unknown, ...args: unknown[]): string | string[] {
  const { tags, asArray } = tagList(input);
  const removed = new Set(tagArguments(args).tags);
  return tagResult(
    tags.filter((tag) => !removed.has(tag)),
    asArray,
  );
}

// ---------------------------------------------------------------- browser

class VersionDrop extends Drop {
  readonly major: string | null;
  readonly minor: string | null;
  readonly patch: string | null;
  constructor(private readonly text: string) {
    super();
    const [major, minor, patch] = text.split(/[._]/);
    this.major = major ?? null;
    this.minor = minor ?? null;
    this.patch = patch ?? null;
  }
  toString(): string {
    return this.text;
  }
  valueOf(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

class NamedDrop extends Drop {
  constructor(
    readonly name: string | null,
    readonly version: VersionDrop | null,
  ) {
    super();
  }
  toString(): string {
    return [this.name, this.version?.toString()].filter(Boolean).join(" ");
  }
  valueOf(): string {
    return this.toString();
  }
  toJSON(): unknown {
    return { name: this.name, version: this.version?.toString() ?? null };
  }
}

class DeviceDrop extends Drop {
  constructor(
    readonly name: string | null,
    readonly brand: string | null,
    readonly model: string | null,
  ) {
    super();
  }
  toString(): string {
    return this.name ?? "";
  }
  valueOf(): string {
    return this.toString();
  }
  toJSON(): unknown {
    return { name: this.name, brand: this.brand, model: this.model };
  }
}

class BrowserDrop extends NamedDrop {
  constructor(
    name: string | null,
    version: VersionDrop | null,
    readonly os: NamedDrop,
    readonly device: DeviceDrop,
  ) {
    super(name, version);
  }
  toJSON(): unknown {
    return { ...(super.toJSON() as object), os: this.os.toJSON(), device: this.device.toJSON() };
  }
}

// ua-parser-js names a few browsers differently from ua-parser's (Browserscope) data Mechanic uses.
const BROWSER_NAMES: Record<string, string> = {
  GSA: "Google",
  "Mobile Chrome": "Chrome Mobile",
  "Mobile Firefox": "Firefox Mobile",
  "Chrome WebView": "Chrome Mobile WebView",
  "Samsung Browser": "Samsung Internet",
  Facebook: "Facebook",
};

/** browser: the user agent as { name, version, os, device }, each printing as text. */
function browser(this: FilterThis, input: unknown): BrowserDrop {
  const agent = toLiquidString(input);
  charge(this.context, agent.length);
  const result = new (uaParser().UAParser)(agent.slice(0, 2000)).getResult();
  const version = (text: string | undefined) => (text ? new VersionDrop(text) : null);
  const name = result.browser.name ? (BROWSER_NAMES[result.browser.name] ?? result.browser.name) : null;
  const model = result.device.model ?? null;
  return new BrowserDrop(
    name,
    version(result.browser.version),
    new NamedDrop(result.os.name ?? null, version(result.os.version)),
    new DeviceDrop(model ?? (result.device.type ? "Other" : null), result.device.vendor ?? null, model),
  );
}

// ---------------------------------------------------------------- strings

const URL_SAFE = /[A-Za-z0-9\-._~!#$&'()*+,/:;=?@[\]]/;

/** Shopify's url_escape: percent-encodes what a URL cannot hold (spaces are %20, & stays). */
function urlEscape(text: string, escapeAmpersand: boolean): string {
  let out = "";
  for (const char of text) {
    if (char.length === 1 && URL_SAFE.test(char) && !(escapeAmpersand && char === "&")) out += char;
    else for (const byte of Buffer.from(char, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** e164: a phone number with its country code, as digits in E.164 (no "+"), or nil if invalid. */
function e164(input: unknown): string | null {
  const text = toLiquidString(input).trim();
  if (!text) return null;
  const number = libphonenumber().parsePhoneNumberFromString(text.startsWith("+") ? text : `+${text}`);
  return number && number.isValid() ? number.number.replace(/^\+/, "") : null;
}

function gzip(this: FilterThis, input: unknown): BinaryString {
  const bytes = bytesOf(input);
  charge(this.context, bytes.length);
  return new BinaryString(gzipSync(bytes));
}

const MAX_GUNZIP_BYTES = 20_000_000;

function gunzip(this: FilterThis, input: unknown, ...args: unknown[]): string | BinaryString {
  const bytes = bytesOf(input);
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP_BYTES });
  } catch (error) {
    throw new Error(`gunzip: ${(error as Error).message}`);
  }
  charge(this.context, out.length);
  return forceUtf8(args) ? textOrBinary(out) : new BinaryString(out);
}

/** Mechanic's `force_utf8` option (default true): false keeps the bytes as they are. */
export function forceUtf8(args: unknown[]): boolean {
  const { keywords } = splitArgs(args);
  return isLiquidTruthy(keywords.has("force_utf8") ? keywords.get("force_utf8") : true);
}

function rsaSign(
  this: FilterThis,
  algorithm: "RSA-SHA256" | "RSA-SHA512",
  input: unknown,
  key: unknown,
  args: unknown[],
): string | BinaryString {
  const message = bytesOf(input);
  charge(this.context, message.length);
  let signature: Buffer;
  try {
    signature = createSign(algorithm).update(message).sign(toLiquidString(key));
  } catch (error) {
    throw new Error(`${algorithm.toLowerCase().replace("-", "_")}: ${(error as Error).message}`);
  }
  const { keywords } = splitArgs(args);
  return isLiquidTruthy(keywords.get("binary") ?? false) ? new BinaryString(signature) : signature.toString("hex");
}

// ---------------------------------------------------------------- XML

let xmlParser: XMLParser | undefined;
const newXmlParser = () =>
  new (fastXmlParser().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    textNodeName: "__content__",
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });

/** Rails' Hash.from_xml: repeated elements become lists, `type` attributes typecast, empty is nil. */
function fromXml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromXml);
  if (node === "") return null;
  if (!isPlainObject(node)) return node;
  const type = typeof node.type === "string" ? node.type : null;
  if (node.nil === "true") return null;
  const content = node.__content__;
  if (type && typeof content === "string") {
    if (type === "integer") return Number.isSafeInteger(Number(content)) ? Number(content) : BigInt(content);
    if (type === "float" || type === "decimal" || type === "double") return Number(content);
    if (type === "boolean") return content === "true" || content === "1";
  }
  if (type === "array") {
    const children = Object.entries(node).filter(([key]) => key !== "type" && key !== "__content__");
    return children.flatMap(([, value]) => (Array.isArray(value) ? value : [value])).map(fromXml);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "__proto__") continue;
    out[key] = fromXml(value);
  }
  if (Object.keys(out).length === 1 && "__content__" in out) return out.__content__;
  return out;
}

function parseXml(this: FilterThis, input: unknown): unknown {
  const text = toLiquidString(input);
  charge(this.context, text.length);
  const valid = fastXmlParser().XMLValidator.validate(text);
  if (valid !== true) throw new Error(`parse_xml: ${valid.err.msg} (line ${valid.err.line})`);
  return fromXml((xmlParser ??= newXmlParser()).parse(text));
}

// ---------------------------------------------------------------- arrays

type Segment = string | bigint;

function naturalSegments(text: string): Segment[] {
  return (text.match(/\d+|\D+/g) ?? []).map((part) => (/^\d/.test(part) ? BigInt(part) : part));
}

/**
 * The `naturally` gem's order, as Mechanic's sort_naturally documents it: numbers inside text
 * compare as numbers ("#2" before "#10"), the rest compares as written (case-sensitive).
 */
export function naturalCompare(a: string, b: string): number {
  const x = naturalSegments(a);
  const y = naturalSegments(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (typeof p === "bigint" && typeof q === "bigint") return p < q ? -1 : 1;
    if (typeof p === "bigint") return -1;
    if (typeof q === "bigint") return 1;
    return p < q ? -1 : 1;
  }
  return x.length === y.length ? (a < b ? -1 : a > b ? 1 : 0) : x.length < y.length ? -1 : 1;
}

function sortNaturally(this: FilterThis, input: unknown, key?: unknown): unknown[] {
  const items = [...toArray(input)];
  charge(this.context, items.length);
  const text = (item: unknown) => toLiquidString(key === undefined ? item : property(item, key));
  return items.sort((a, b) => naturalCompare(text(a), text(b)));
}

/** sample: one random item, or (with a count) a list of that many, in random order. */
function sample(this: FilterThis, input: unknown, count?: unknown): unknown {
  const items = [...toArray(input)];
  charge(this.context, items.length);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  if (count === undefined) return items[0] ?? null;
  return items.slice(0, Math.max(0, Number(unwrap(count)) || 0));
}

// ---------------------------------------------------------------- money

function shopMoneyFormats(this: FilterThis): { moneyFormat: string; moneyWithCurrencyFormat: string } {
  const shop = stateOf(this.context).shop;
  const defaults = defaultMoneyFormats(shop.currency || "USD");
  return {
    moneyFormat: plainFormat(shop.moneyFormat || defaults.moneyFormat),
    moneyWithCurrencyFormat: plainFormat(shop.moneyWithCurrencyFormat || defaults.moneyWithCurrencyFormat),
  };
}

export const mechanicFilters: Record<string, FilterFunction> = {
  add_tag: addTags,
  add_tags: addTags,
  remove_tag: removeTags,
  remove_tags: removeTags,
  browser,
  url_escape: (input: unknown) => urlEscape(toLiquidString(input), false),
  url_param_escape: (input: unknown) => urlEscape(toLiquidString(input), true),
  e164,
  gzip,
  gunzip,
  parse_xml: parseXml,
  rsa_sha256(this: FilterThis, input: unknown, key: unknown, ...args: unknown[]) {
    return rsaSign.call(this, "RSA-SHA256", input, key, args);
  },
  rsa_sha512(this: FilterThis, input: unknown, key: unknown, ...args: unknown[]) {
    return rsaSign.call(this, "RSA-SHA512", input, key, args);
  },
  sort_naturally: sortNaturally,
  sample,
  money(this: FilterThis, input: unknown) {
    return formatMoney(input, shopMoneyFormats.call(this).moneyFormat);
  },
  money_with_currency(this: FilterThis, input: unknown) {
    return formatMoney(input, shopMoneyFormats.call(this).moneyWithCurrencyFormat);
  },
  money_without_currency(this: FilterThis, input: unknown) {
    return formatMoney(input, "{{amount}}");
  },
  money_without_trailing_zeros(this: FilterThis, input: unknown) {
    return formatMoney(input, shopMoneyFormats.call(this).moneyFormat, { trimZeros: true });
  },
  currency(this: FilterThis, input: unknown, ...args: unknown[]) {
    const { positional, keywords } = splitArgs(args);
    const code =
      positional[0] === undefined ? stateOf(this.context).shop.currency || "USD" : toLiquidString(positional[0]);
    const locale = keywords.has("locale") ? toLiquidString(keywords.get("locale")) : "en";
    return formatCurrency(input, code, locale);
  },
};
