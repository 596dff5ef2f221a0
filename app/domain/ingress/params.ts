// Rack-style nested parameters (what Mechanic, a Rails app, produces from query strings and forms):
//   a=1 -> {a:"1"}; a[b]=1 -> {a:{b:"1"}}; a[]=1&a[]=2 -> {a:["1","2"]};
//   a[][x]=1&a[][y]=2&a[][x]=3 -> {a:[{x:"1",y:"2"},{x:"3"}]}; a=1&a=2 -> {a:"2"} (last wins);
//   a (no "=") -> {a:null}. Mixing shapes for one key (a=1&a[b]=2) is an error, as in Rack.
// Follows Rack 3's normalize_params; the depth limit is Rack's default (32).

export type ParamValue = string | null | ParamObject | ParamValue[] | UploadedFile;
export interface ParamObject {
  [key: string]: ParamValue;
}
/** An uploaded multipart file, in Mechanic's shape. */
export interface UploadedFile {
  content_base64: string;
  mime_type: string;
  name: string;
  size: number;
}

export class ParamsError extends Error {}

export const PARAM_DEPTH_LIMIT = 32;

export function isParamObject(value: unknown): value is ParamObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUploadedFile(value);
}

// Uploaded files are plain objects too; they are tagged so nesting never descends into them.
const FILE_TAG = Symbol("uploaded-file");
export function makeUploadedFile(file: UploadedFile): UploadedFile {
  Object.defineProperty(file, FILE_TAG, { value: true, enumerable: false });
  return file;
}
function isUploadedFile(value: unknown): boolean {
  return typeof value === "object" && value !== null && FILE_TAG in value;
}

/** Sets an own property, so keys like "__proto__" are stored as data, never as a prototype. */
function setOwn(target: ParamObject, key: string, value: ParamValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
function hasOwn(target: ParamObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

/** Adds one name=value pair to params, Rack style. Throws ParamsError on conflicting shapes or excessive depth. */
export function normalizeParams(
  params: ParamObject,
  name: string | null,
  value: ParamValue,
  depth = 0,
): ParamObject | ParamValue[] {
  if (depth >= PARAM_DEPTH_LIMIT) throw new ParamsError("parameters are nested too deeply");
  let key: string;
  let after: string;
  if (name === null) {
    key = "";
    after = "";
  } else if (depth === 0) {
    const start = name.indexOf("[", 1);
    if (start > 0) {
      key = name.slice(0, start);
      after = name.slice(start);
    } else {
      key = name;
      after = "";
    }
  } else if (name.startsWith("[]")) {
    key = "[]";
    after = name.slice(2);
  } else if (name.startsWith("[") && name.indexOf("]", 1) > 0) {
    const end = name.indexOf("]", 1);
    key = name.slice(1, end);
    after = name.slice(end + 1);
  } else {
    key = name;
    after = "";
  }

  if (key === "") return params;

  if (after === "") {
    if (key === "[]" && depth !== 0) return [value];
    setOwn(params, key, value);
  } else if (after === "[") {
    setOwn(params, name!, value);
  } else if (after === "[]") {
    const list = arrayAt(params, key);
    list.push(value);
  } else if (after.startsWith("[]")) {
    // a[][x]=1: a hash inside an array; starts a new hash when the last one already has x.
    let childKey = after.slice(2);
    const simple = after[2] === "[" && after.endsWith("]") ? after.slice(3, -1) : null;
    if (simple !== null && simple !== "" && !simple.includes("[") && !simple.includes("]")) childKey = simple;
    const list = arrayAt(params, key);
    const last = list[list.length - 1];
    if (isParamObject(last) && !hasNestedKey(last, childKey)) {
      normalizeParams(last, childKey, value, depth + 1);
    } else {
      list.push(normalizeParams({}, childKey, value, depth + 1) as ParamValue);
    }
  } else {
    // Rack's `params[k] ||= {}`: a missing or null value becomes a new object.
    if (!hasOwn(params, key) || params[key] === null) setOwn(params, key, {});
    const child = params[key];
    if (!isParamObject(child))
      throw new ParamsError(`expected an object for parameter "${key}" but it was already given a ${describe(child)}`);
    normalizeParams(child, after, value, depth + 1);
  }
  return params;
}

function arrayAt(params: ParamObject, key: string): ParamValue[] {
  if (!hasOwn(params, key) || params[key] === null) setOwn(params, key, []);
  const list = params[key];
  if (!Array.isArray(list))
    throw new ParamsError(`expected a list for parameter "${key}" but it was already given a ${describe(list)}`);
  return list;
}

function hasNestedKey(object: ParamObject, key: string): boolean {
  if (key.includes("[]")) return false;
  let current: ParamValue = object;
  for (const part of key.split(/[[\]]+/)) {
    if (part === "") continue;
    if (!isParamObject(current) || !hasOwn(current, part)) return false;
    current = current[part]!;
  }
  return true;
}

function describe(value: ParamValue | undefined): string {
  if (value === null || value === undefined) return "value";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return isUploadedFile(value) ? "file" : "object";
  return "value";
}

/** Decodes one application/x-www-form-urlencoded component ("+" is a space). Throws ParamsError on bad percent-encoding. */
export function decodeFormComponent(text: string): string {
  const spaced = text.includes("+") ? text.replace(/\+/g, " ") : text;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new ParamsError(`invalid percent-encoding in "${spaced.slice(0, 60)}"`);
  }
}

/** Parses a query string or urlencoded body (without a leading "?") into nested params. */
export function parseNestedQuery(text: string): ParamObject {
  const params: ParamObject = {};
  if (!text) return params;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? null : decodeFormComponent(pair.slice(eq + 1));
    normalizeParams(params, name, value);
  }
  return params;
}

export function isEmptyParams(params: ParamObject): boolean {
  for (const key in params) if (hasOwn(params, key)) return false;
  return true;
}
