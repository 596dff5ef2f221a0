// Metafield types and value validation, following Shopify's list of supported types
// (https://shopify.dev/docs/apps/build/custom-data/metafields/list-of-data-types).
// Messages are close to Shopify's; the codes (INVALID_VALUE) are exact.
import { isPlainObject } from "~/domain/plain-object";

const MEASUREMENT_UNITS: Record<string, readonly string[]> = {
  dimension: ["in", "ft", "yd", "mm", "cm", "m"],
  volume: ["ml", "cl", "l", "m3", "us_fl_oz", "us_pt", "us_qt", "us_gal", "imp_fl_oz", "imp_pt", "imp_qt", "imp_gal"],
  weight: ["oz", "lb", "g", "kg"],
};

/** Reference types and the gid resource each must point at (mixed/metaobject accept any). */
const REFERENCE_TYPES: Record<string, string | null> = {
  collection_reference: "Collection",
  company_reference: "Company",
  customer_reference: "Customer",
  file_reference: null,
  metaobject_reference: "Metaobject",
  mixed_reference: "Metaobject",
  order_reference: "Order",
  page_reference: "Page",
  product_reference: "Product",
  product_taxonomy_value_reference: "TaxonomyValue",
  variant_reference: "ProductVariant",
};

const SCALAR_TYPES = [
  "boolean",
  "color",
  "date",
  "date_time",
  "dimension",
  "id",
  "json",
  "link",
  "money",
  "multi_line_text_field",
  "number_decimal",
  "number_integer",
  "rating",
  "rich_text_field",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  ...Object.keys(REFERENCE_TYPES),
] as const;

/** Types that also exist as `list.<type>`. */
const LISTABLE_TYPES = new Set([
  "color",
  "date",
  "date_time",
  "dimension",
  "id",
  "link",
  "number_decimal",
  "number_integer",
  "rating",
  "single_line_text_field",
  "url",
  "volume",
  "weight",
  ...Object.keys(REFERENCE_TYPES),
]);

const SCALAR_TYPE_SET = new Set<string>(SCALAR_TYPES);

export function isValidMetafieldType(type: string): boolean {
  if (type.startsWith("list.")) return LISTABLE_TYPES.has(type.slice("list.".length));
  return SCALAR_TYPE_SET.has(type);
}

export function metafieldTypeNames(): string[] {
  return [...SCALAR_TYPES, ...[...LISTABLE_TYPES].map((type) => `list.${type}`)].sort();
}

/** Category Shopify reports on MetafieldDefinitionType.category. */
export function metafieldTypeCategory(type: string): string {
  const base = type.startsWith("list.") ? type.slice(5) : type;
  if (base.endsWith("_reference")) return "REFERENCE";
  if (["number_integer", "number_decimal"].includes(base)) return "NUMBER";
  if (["single_line_text_field", "multi_line_text_field", "rich_text_field"].includes(base)) return "TEXT";
  if (["date", "date_time"].includes(base)) return "DATE_TIME";
  if (["dimension", "volume", "weight"].includes(base)) return "MEASUREMENT";
  if (base === "boolean") return "TRUE_FALSE";
  if (base === "json") return "JSON";
  if (base === "url" || base === "link") return "URL";
  return base.toUpperCase();
}

const INT_MIN = -9007199254740991n;
const INT_MAX = 9007199254740991n;
const DECIMAL_PATTERN = /^-?\d{1,13}(\.\d{1,9})?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
const URL_SCHEMES = new Set(["http:", "https:", "mailto:", "sms:", "tel:"]);

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function parseJson(value: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}

function isNumeric(value: unknown): boolean {
  return (
    (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && DECIMAL_PATTERN.test(value))
  );
}

/**
 * Checks one item of a (possibly list) type. `raw` is the string form for scalar types and the
 * parsed JSON value for JSON-shaped types or list items. Returns an error message or null.
 */
function checkItem(type: string, raw: unknown): string | null {
  switch (type) {
    case "single_line_text_field":
      if (typeof raw !== "string") return "Value must be a string.";
      if (/[\r\n]/.test(raw)) return "Value must be a single line of text.";
      return null;
    case "multi_line_text_field":
      return typeof raw === "string" ? null : "Value must be a string.";
    case "id":
      if (typeof raw !== "string") return "Value must be a string.";
      return raw.length > 255 ? "Value is too long (maximum is 255 characters)." : null;
    case "boolean":
      return raw === "true" || raw === "false" || raw === true || raw === false ? null : "Value must be true or false.";
    case "number_integer": {
      const text = typeof raw === "number" ? String(raw) : raw;
      if (typeof text !== "string" || !/^-?\d+$/.test(text)) return "Value must be an integer.";
      const big = BigInt(text);
      return big < INT_MIN || big > INT_MAX
        ? "Value must be an integer between -9007199254740991 and 9007199254740991."
        : null;
    }
    case "number_decimal": {
      const text = typeof raw === "number" ? String(raw) : raw;
      return typeof text === "string" && DECIMAL_PATTERN.test(text)
        ? null
        : "Value must be a decimal with up to 13 digits before and 9 digits after the decimal point.";
    }
    case "date": {
      const match = typeof raw === "string" ? DATE_PATTERN.exec(raw) : null;
      return match && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))
        ? null
        : "Value must be in YYYY-MM-DD format.";
    }
    case "date_time": {
      const match = typeof raw === "string" ? DATE_TIME_PATTERN.exec(raw) : null;
      return match &&
        isRealDate(Number(match[1]), Number(match[2]), Number(match[3])) &&
        Number(match[4]) < 24 &&
        Number(match[5]) < 60 &&
        (match[7] === undefined || Number(match[7]) < 60)
        ? null
        : "Value must be in YYYY-MM-DDTHH:MM:SS format.";
    }
    case "color":
      return typeof raw === "string" && COLOR_PATTERN.test(raw) ? null : "Value must be a hex color code (#RRGGBB).";
    case "url": {
      if (typeof raw !== "string") return "Value must be a URL.";
      try {
        const url = new URL(raw);
        return URL_SCHEMES.has(url.protocol)
          ? null
          : "Value must use one of these schemes: http, https, mailto, sms, tel.";
      } catch {
        return "Value must be a URL.";
      }
    }
    case "json":
      return null;
    case "link":
      if (!isPlainObject(raw) || typeof raw.text !== "string" || typeof raw.url !== "string")
        return 'Value must be an object with "text" and "url".';
      return checkItem("url", raw.url);
    case "money":
      if (
        !isPlainObject(raw) ||
        !isNumeric(raw.amount) ||
        typeof raw.currency_code !== "string" ||
        !/^[A-Z]{3}$/.test(raw.currency_code)
      )
        return 'Value must be an object with a decimal "amount" and a three-letter "currency_code".';
      return null;
    case "rating":
      if (!isPlainObject(raw) || !isNumeric(raw.value) || !isNumeric(raw.scale_min) || !isNumeric(raw.scale_max))
        return 'Value must be an object with "value", "scale_min" and "scale_max".';
      if (Number(raw.scale_min) >= Number(raw.scale_max)) return "Rating scale_min must be less than scale_max.";
      if (Number(raw.value) < Number(raw.scale_min) || Number(raw.value) > Number(raw.scale_max))
        return "Rating value must be between scale_min and scale_max.";
      return null;
    case "rich_text_field":
      return isPlainObject(raw) && raw.type === "root" && Array.isArray(raw.children)
        ? null
        : 'Value must be a rich text object with "type": "root" and "children".';
    case "dimension":
    case "volume":
    case "weight": {
      const units = MEASUREMENT_UNITS[type];
      if (!isPlainObject(raw) || !isNumeric(raw.value) || typeof raw.unit !== "string" || !units.includes(raw.unit))
        return `Value must be an object with a numeric "value" and a "unit" (one of ${units.join(", ")}).`;
      return null;
    }
    default: {
      if (type in REFERENCE_TYPES) {
        const resource = REFERENCE_TYPES[type];
        const pattern = resource ? new RegExp(`^gid://shopify/${resource}/\\d+$`) : /^gid:\/\/shopify\/\w+\/\d+$/;
        return typeof raw === "string" && pattern.test(raw)
          ? null
          : `Value must be a global ID${resource ? ` of a ${resource}` : ""} (gid://shopify/${resource ?? "<Type>"}/<id>).`;
      }
      return "Type is not supported.";
    }
  }
}

const JSON_SHAPED = new Set(["json", "link", "money", "rating", "rich_text_field", "dimension", "volume", "weight"]);

/** Validates a metafield's string value for its type. Returns an error message or null. */
export function validateMetafieldValue(type: string, value: string): string | null {
  if (type.startsWith("list.")) {
    const itemType = type.slice(5);
    const parsed = parseJson(value);
    if (!parsed.ok || !Array.isArray(parsed.value)) return "Value must be a JSON array.";
    for (const [index, item] of parsed.value.entries()) {
      const problem = checkItem(itemType, item);
      if (problem) return `Value at index ${index} is invalid: ${problem}`;
    }
    return null;
  }
  if (JSON_SHAPED.has(type)) {
    const parsed = parseJson(value);
    if (!parsed.ok) return "Value is invalid JSON.";
    return checkItem(type, parsed.value);
  }
  return checkItem(type, value);
}

/** What Metafield.jsonValue returns for a stored value (Shopify's typed reading of it). */
export function metafieldJsonValue(type: string, value: string): unknown {
  if (type.startsWith("list.") || JSON_SHAPED.has(type)) {
    const parsed = parseJson(value);
    return parsed.ok ? parsed.value : value;
  }
  switch (type) {
    case "boolean":
      return value === "true";
    case "number_integer": {
      // Beyond 2^53 precision would be lost; Shopify caps the range at ±(2^53 - 1) anyway.
      return Number(value);
    }
    case "number_decimal":
      // Shopify returns decimals as strings in jsonValue to keep their precision.
      return value;
    default:
      return value;
  }
}
