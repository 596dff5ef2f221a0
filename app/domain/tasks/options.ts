// Task options, as Mechanic does them: keys are discovered from `options.<key>` references in the
// code, in order of first reference, and the key's suffix flags describe the form field and its
// validation, e.g. `options.days__number_required`, `options.color__select_o1_red_o2_blue`.
import { numberValue } from "~/domain/json";

export type OptionType =
  | "text"
  | "multiline"
  | "boolean"
  | "number"
  | "email"
  | "array"
  | "keyval"
  | "select"
  | "choice"
  | "multiselect"
  | "code"
  | "date"
  | "datetime"
  | "time"
  | "color"
  | "range"
  | "picker";

export interface OptionChoice {
  value: string;
  label: string;
}

export interface OptionDescription {
  key: string;
  /** The part before the first "__". */
  name: string;
  label: string;
  type: OptionType;
  required: boolean;
  choices?: OptionChoice[];
  range?: { min: number; max: number; step: number };
  picker?: { resource: "product" | "variant" | "collection"; multiple: boolean };
  /** For array and keyval options: the type of each value (`__keyval_number`, `__array_email`). */
  itemType?: "text" | "number" | "email" | "multiline";
  secret: boolean;
  global: boolean;
  userform: boolean;
  futureonly: boolean;
  /** Flag words we did not recognise (kept so the UI can show them). */
  unknownFlags: string[];
}

/** Option keys: lowercase letter first, then letters, digits and underscores (the task library's schema). */
export const OPTION_KEY_PATTERN = /^[a-z][a-z0-9_]*$/;

// `options.key`, not `shop_options.key` or `x.options.key`.
const REFERENCE = /(?<![A-Za-z0-9_.])options\.([a-z][a-z0-9_]*)/g;
const BRACKET_REFERENCE = /(?<![A-Za-z0-9_.])options\[\s*(["'])([a-z][a-z0-9_]*)\1\s*\]/g;

/** Option keys referenced by the code, in order of first reference (subscriptions template first). */
export function discoverOptionKeys(script: string, subscriptionsTemplate = ""): string[] {
  const keys: string[] = [];
  for (const source of [subscriptionsTemplate ?? "", script ?? ""]) {
    const found: { index: number; key: string }[] = [];
    for (const match of source.matchAll(REFERENCE)) found.push({ index: match.index ?? 0, key: match[1] });
    for (const match of source.matchAll(BRACKET_REFERENCE)) found.push({ index: match.index ?? 0, key: match[2] });
    found.sort((a, b) => a.index - b.index);
    for (const { key } of found) if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

const TYPE_WORDS: Record<string, OptionType> = {
  multiline: "multiline",
  boolean: "boolean",
  number: "number",
  email: "email",
  array: "array",
  keyval: "keyval",
  code: "code",
  date: "date",
  datetime: "datetime",
  time: "time",
  color: "color",
};
const FLAG_WORDS = new Set(["required", "secret", "global", "userform", "futureonly"]);
const CHOICE_TYPES = new Set(["select", "choice", "multiselect"]);

function humanize(name: string): string {
  const words = name.replace(/_+/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
}

export function describeOption(key: string): OptionDescription {
  const [name, ...flagParts] = key.split("__");
  const tokens = flagParts.join("_").split("_").filter(Boolean);
  const description: OptionDescription = {
    key,
    name,
    label: humanize(name),
    type: "text",
    required: false,
    secret: false,
    global: false,
    userform: false,
    futureonly: false,
    unknownFlags: [],
  };
  const setFlag = (word: string) => {
    if (word === "required") description.required = true;
    else if (word === "secret") description.secret = true;
    else if (word === "global") description.global = true;
    else if (word === "userform") description.userform = true;
    else if (word === "futureonly") description.futureonly = true;
  };

  // Type words combine: a container with the type of its values (`keyval_number`, `array_email`),
  // `code_multiline` is code; otherwise the last one wins.
  const typeWords: OptionType[] = [];
  let structured = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (FLAG_WORDS.has(token)) setFlag(token);
    else if (TYPE_WORDS[token]) typeWords.push(TYPE_WORDS[token]);
    else if (CHOICE_TYPES.has(token)) {
      structured = true;
      description.type = token as OptionType;
      // o1_value_words_o2_more_words; a trailing flag word (e.g. _required) stays a flag.
      const choices: OptionChoice[] = [];
      let j = i + 1;
      while (j < tokens.length && /^o\d+$/.test(tokens[j])) {
        const words: string[] = [];
        j++;
        while (j < tokens.length && !/^o\d+$/.test(tokens[j])) {
          if (j === tokens.length - 1 && FLAG_WORDS.has(tokens[j]) && words.length > 0) break;
          words.push(tokens[j]);
          j++;
        }
        const value = words.join("_");
        choices.push({ value, label: humanize(value) });
      }
      description.choices = choices;
      i = j - 1;
    } else if (token === "range") {
      structured = true;
      description.type = "range";
      const range = { min: 0, max: 100, step: 1 };
      let j = i + 1;
      for (; j < tokens.length; j++) {
        const part = /^(min|max|step)(\d+)$/.exec(tokens[j]);
        if (!part) break;
        range[part[1] as "min" | "max" | "step"] = Number(part[2]);
      }
      description.range = range;
      i = j - 1;
    } else if (token === "picker") {
      const resource = tokens[i + 1];
      if (resource === "product" || resource === "variant" || resource === "collection") {
        structured = true;
        description.type = "picker";
        const multiple = tokens[i + 2] === "array";
        description.picker = { resource, multiple };
        i += multiple ? 2 : 1;
      } else description.unknownFlags.push(token);
    } else description.unknownFlags.push(token);
  }
  if (!structured && typeWords.length > 0) {
    const container = typeWords.find((word) => word === "keyval" || word === "array");
    if (container) {
      description.type = container;
      const item = typeWords.find((word) => word === "number" || word === "email" || word === "multiline");
      description.itemType = (item as OptionDescription["itemType"]) ?? "text";
    } else if (typeWords.includes("code")) description.type = "code";
    else description.type = typeWords[typeWords.length - 1];
  }
  return description;
}

function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

const EMAIL = /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const GID: Record<string, RegExp> = {
  product: /^gid:\/\/shopify\/Product\/\d+$/,
  variant: /^gid:\/\/shopify\/ProductVariant\/\d+$/,
  collection: /^gid:\/\/shopify\/Collection\/\d+$/,
};

function isValidCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

const ITEM_NOUNS = {
  text: "text values",
  multiline: "text values",
  number: "numbers",
  email: "email addresses",
} as const;

function isItemOfType(value: unknown, item: keyof typeof ITEM_NOUNS): boolean {
  if (item === "number") return Number.isFinite(numberValue(value) ?? NaN);
  if (item === "email") return typeof value === "string" && EMAIL.test(value.trim());
  return typeof value === "string";
}

/** The problem with one value, or null. `today` (YYYY-MM-DD) is for __futureonly. */
export function validateOptionValue(
  description: OptionDescription,
  value: unknown,
  today = new Date().toISOString().slice(0, 10),
): string | null {
  const { label } = description;
  if (description.type === "boolean") {
    if (value !== undefined && value !== null && typeof value !== "boolean") return `${label} must be true or false`;
    if (description.required && value !== true) return `${label} must be checked`;
    return null;
  }
  if (isBlank(value)) return description.required ? `${label} is required` : null;
  switch (description.type) {
    case "number":
    case "range": {
      const number = numberValue(value) ?? NaN;
      if (!Number.isFinite(number)) return `${label} must be a number`;
      if (description.range) {
        const { min, max, step } = description.range;
        if (number < min || number > max) return `${label} must be between ${min} and ${max}`;
        if (step > 0 && Math.abs((number - min) / step - Math.round((number - min) / step)) > 1e-9)
          return `${label} must be a multiple of ${step} from ${min}`;
      }
      return null;
    }
    case "email":
      return typeof value === "string" && EMAIL.test(value.trim()) ? null : `${label} must be an email address`;
    case "array": {
      const item = description.itemType ?? "text";
      return Array.isArray(value) && value.every((entry) => isItemOfType(entry, item))
        ? null
        : `${label} must be a list of ${ITEM_NOUNS[item]}`;
    }
    case "keyval": {
      const item = description.itemType ?? "text";
      return typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((entry) => isItemOfType(entry, item))
        ? null
        : `${label} must be a set of keys and ${ITEM_NOUNS[item]}`;
    }
    case "select":
    case "choice": {
      const allowed = (description.choices ?? []).map((choice) => choice.value);
      return typeof value === "string" && allowed.includes(value)
        ? null
        : `${label} must be one of: ${allowed.join(", ")}`;
    }
    case "multiselect": {
      const allowed = (description.choices ?? []).map((choice) => choice.value);
      return Array.isArray(value) && value.every((item) => typeof item === "string" && allowed.includes(item))
        ? null
        : `${label} must be a list of: ${allowed.join(", ")}`;
    }
    case "date":
      if (typeof value !== "string" || !isValidCalendarDate(value)) return `${label} must be a date (YYYY-MM-DD)`;
      if (description.futureonly && value < today) return `${label} must not be in the past`;
      return null;
    case "datetime": {
      if (
        typeof value !== "string" ||
        Number.isNaN(Date.parse(value)) ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)
      ) {
        return `${label} must be a date and time (YYYY-MM-DDTHH:MM)`;
      }
      if (description.futureonly && Date.parse(value) < Date.now()) return `${label} must not be in the past`;
      return null;
    }
    case "time":
      return typeof value === "string" && TIME.test(value) ? null : `${label} must be a time (HH:MM)`;
    case "color":
      return typeof value === "string" && COLOR.test(value) ? null : `${label} must be a color like #1a2b3c`;
    case "picker": {
      const pattern = GID[description.picker!.resource];
      const ok = description.picker!.multiple
        ? Array.isArray(value) && value.every((item) => typeof item === "string" && pattern.test(item))
        : typeof value === "string" && pattern.test(value);
      return ok
        ? null
        : `${label} must be ${description.picker!.multiple ? "a list of" : "a"} Shopify ${description.picker!.resource} ID${description.picker!.multiple ? "s" : ""} (gid://shopify/…)`;
    }
    default:
      return typeof value === "string" ? null : `${label} must be text`;
  }
}

/** Field errors keyed by option key; empty when everything is valid. */
export function validateOptions(
  keys: string[],
  values: Record<string, unknown>,
  today?: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of keys) {
    if (!OPTION_KEY_PATTERN.test(key)) {
      errors[key] =
        `"${key}" is not a valid option key (lowercase letters, digits and underscores, starting with a letter)`;
      continue;
    }
    const problem = validateOptionValue(describeOption(key), values?.[key], today);
    if (problem) errors[key] = problem;
  }
  return errors;
}

/**
 * Turn form input (strings from a form, or already-typed JSON) into the value a task sees:
 * booleans, numbers, arrays from one-per-line text, key/value hashes from `key: value` lines.
 * Values that cannot be converted are returned unchanged, for validateOptions to report.
 */
export function coerceOptionValue(description: OptionDescription, raw: unknown): unknown {
  if (raw === undefined) return description.type === "boolean" ? false : null;
  switch (description.type) {
    case "boolean":
      if (typeof raw === "string") return ["true", "on", "1", "yes"].includes(raw.trim().toLowerCase());
      return raw;
    case "number":
    case "range":
      return coerceNumber(raw);
    case "array":
    case "multiselect": {
      const items =
        typeof raw === "string"
          ? raw
              .split(/\r?\n/)
              .map((line) => line.trim())
              .filter(Boolean)
          : raw;
      return Array.isArray(items) ? items.map((item) => coerceItem(description.itemType, item)) : items;
    }
    case "picker":
      if (description.picker?.multiple && typeof raw === "string") return raw.split(/[\s,]+/).filter(Boolean);
      return typeof raw === "string" ? raw.trim() : raw;
    case "keyval": {
      let pairs: unknown = raw;
      if (typeof raw === "string") {
        const out: Record<string, string> = {};
        for (const line of raw.split(/\r?\n/)) {
          if (!line.trim()) continue;
          const separator = line.indexOf(":");
          if (separator < 0) return raw;
          const key = line.slice(0, separator).trim();
          if (key === "__proto__") continue;
          out[key] = line.slice(separator + 1).trim();
        }
        pairs = out;
      }
      if (typeof pairs !== "object" || pairs === null || Array.isArray(pairs)) return pairs;
      const typed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(pairs))
        Object.defineProperty(typed, key, {
          value: coerceItem(description.itemType, value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return typed;
    }
    case "email":
    case "date":
    case "datetime":
    case "time":
    case "color":
    case "select":
    case "choice":
      return typeof raw === "string" ? raw.trim() : raw;
    default:
      return raw;
  }
}

function coerceNumber(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  if (text === "") return null;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : raw;
}

function coerceItem(item: OptionDescription["itemType"], raw: unknown): unknown {
  if (item === "number") return coerceNumber(raw);
  if ((item === "email" || item === "text") && typeof raw === "string") return raw.trim();
  return raw;
}

/**
 * The task's option values converted by their keys' flags (numbers from "5", booleans from
 * "true", typed keyval and array values), as Mechanic hands them to the task: used on import,
 * preview and every run, so a value typed as text in a task JSON file behaves as declared.
 * Values that cannot be converted stay as they are (validation reports them in the editor).
 */
export function convertOptionValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    const converted = value === undefined ? value : coerceOptionValue(describeOption(key), value);
    Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function coerceOptions(
  keys: string[],
  raw: Record<string, unknown>,
  today?: string,
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  for (const key of keys) values[key] = coerceOptionValue(describeOption(key), raw?.[key]);
  return { values, errors: validateOptions(keys, values, today) };
}
