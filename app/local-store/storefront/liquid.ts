// Just enough of Shopify's storefront Liquid to render the theme app extension's block outside
// Shopify: `customer` (with `customer.metafields.<namespace>.<key>` and its `.value`/`.type`),
// `block.settings`, `section.id`, `shop`, `routes`, and the filters the block uses (`asset_url`,
// `json`, `hmac_sha256`, `escape`). `{% schema %}` renders nothing, as in a theme. Test and demo surface only.
import { createHmac } from "node:crypto";
import {
  Drop,
  Liquid,
  Tag,
  type Emitter,
  type Liquid as LiquidEngine,
  type TagToken,
  type TopLevelToken,
} from "liquidjs";
import { isInteger, isSafeNumber, parse as parseLossless, stringify as stringifyLossless } from "lossless-json";

/** A stored metafield as the local store holds it: its type and its value as text. */
export interface StorefrontMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface StorefrontCustomer {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  tags: string[];
  metafields: StorefrontMetafield[];
}

export interface StorefrontShop {
  name: string;
  domain: string;
  email: string;
  currencyCode: string;
}

export interface BlockRenderInput {
  /** The block file's Liquid source (blocks/*.liquid). */
  source: string;
  /** The logged-in customer, or null for a visitor who is not logged in. */
  customer: StorefrontCustomer | null;
  shop: StorefrontShop;
  settings: Record<string, unknown>;
  blockId: string;
  sectionId: string;
  /** Where `'name' | asset_url` points (the extension's assets/ directory as served). */
  assetBaseUrl: string;
  routes: { accountLoginUrl: string; rootUrl: string };
}

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/**
 * What `metafield.value` gives in Shopify Liquid for the stored text: JSON types parsed, numbers
 * and booleans as such, text as text. A value that does not parse as its type gives nil, so a
 * theme can tell "present but unreadable" from "absent".
 */
export function metafieldLiquidValue(type: string, text: string): unknown {
  try {
    if (
      type === "json" ||
      type.startsWith("list.") ||
      type === "rating" ||
      type === "dimension" ||
      type === "volume" ||
      type === "weight" ||
      type === "money"
    ) {
      return parseLossless(text, null, parseNumber);
    }
    if (type === "number_integer") {
      if (!/^-?\d+$/.test(text.trim())) return null;
      return parseNumber(text.trim());
    }
    if (type === "number_decimal") {
      const value = Number(text);
      return text.trim() === "" || !Number.isFinite(value) ? null : value;
    }
    if (type === "boolean") {
      if (text === "true") return true;
      if (text === "false") return false;
      return null;
    }
  } catch {
    return null;
  }
  return text;
}

/** Shopify's metafield object: `.value`, `.type`, `.namespace`, `.key`; printed as its stored text. */
export class MetafieldDrop extends Drop {
  readonly value: unknown;
  readonly type: string;
  readonly namespace: string;
  readonly key: string;
  private readonly text: string;

  constructor(metafield: StorefrontMetafield) {
    super();
    this.value = metafieldLiquidValue(metafield.type, metafield.value);
    this.type = metafield.type;
    this.namespace = metafield.namespace;
    this.key = metafield.key;
    this.text = metafield.value;
  }

  valueOf(): string {
    return this.text;
  }
}

/** Plain data for JSON output: metafield objects become their values. */
function toJsonable(value: unknown): unknown {
  if (value instanceof MetafieldDrop) return value.value;
  if (Array.isArray(value)) return value.map(toJsonable);
  if (value instanceof Drop) return value.valueOf();
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonable(v)]));
  }
  return value;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function shopifyEscape(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value instanceof Drop ? value.valueOf() : value);
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** `{% schema %}…{% endschema %}`: read by the theme editor, renders nothing. */
class SchemaTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: LiquidEngine) {
    super(token, remainTokens, liquid);
    while (remainTokens.length > 0) {
      const next = remainTokens.shift() as TopLevelToken & { name?: string };
      if (next.name === "endschema") return;
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }

  *render(_context: unknown, _emitter: Emitter): Generator<unknown, void, unknown> {
    // Nothing: the schema is configuration, not output.
  }
}

// Where asset_url points, passed in the render scope (a name no theme would use).
const ASSET_BASE_VARIABLE = "__hookline_asset_base_url";

export function createStorefrontLiquid(): Liquid {
  const liquid = new Liquid({
    // Unknown filters are an error here, so the block cannot quietly rely on something this
    // preview does not emulate.
    strictFilters: true,
    strictVariables: false,
    jsTruthy: false,
    ownPropertyOnly: true,
    cache: false,
  });
  liquid.registerTag("schema", SchemaTag);
  // Shopify's escape (CGI.escapeHTML): named entity for the double quote, numeric for the single.
  liquid.registerFilter("escape", (value: unknown) => shopifyEscape(value));
  // Shopify's hmac_sha256: hex digest of the text with the secret.
  liquid.registerFilter("hmac_sha256", (value: unknown, secret: unknown) =>
    createHmac("sha256", String(secret ?? ""))
      .update(String(value ?? ""))
      .digest("hex"),
  );
  liquid.registerFilter("json", (value: unknown) => stringifyLossless(toJsonable(value) ?? null) ?? "null");
  liquid.registerFilter("asset_url", function (this: { context: { getSync(path: string[]): unknown } }, name: unknown) {
    const base = this.context.getSync([ASSET_BASE_VARIABLE]);
    return `${typeof base === "string" ? base : ""}/${encodeURIComponent(String(name))}`;
  });
  return liquid;
}

/** customer.metafields as Liquid sees it: namespace -> key -> metafield object. */
function metafieldTree(metafields: StorefrontMetafield[]): Record<string, Record<string, MetafieldDrop>> {
  const tree: Record<string, Record<string, MetafieldDrop>> = {};
  for (const metafield of metafields) {
    (tree[metafield.namespace] ??= {})[metafield.key] = new MetafieldDrop(metafield);
  }
  return tree;
}

export function storefrontScope(input: Omit<BlockRenderInput, "source">): Record<string, unknown> {
  const customer = input.customer;
  return {
    [ASSET_BASE_VARIABLE]: input.assetBaseUrl,
    customer: customer
      ? {
          id: customer.id,
          first_name: customer.firstName ?? "",
          last_name: customer.lastName ?? "",
          name: [customer.firstName, customer.lastName].filter(Boolean).join(" "),
          email: customer.email ?? "",
          tags: customer.tags,
          metafields: metafieldTree(customer.metafields),
        }
      : null,
    shop: {
      name: input.shop.name,
      permanent_domain: input.shop.domain,
      domain: input.shop.domain,
      email: input.shop.email,
      currency: input.shop.currencyCode,
      url: `https://${input.shop.domain}`,
    },
    block: { id: input.blockId, type: "@app", settings: input.settings, shopify_attributes: "" },
    section: { id: input.sectionId },
    routes: { account_login_url: input.routes.accountLoginUrl, root_url: input.routes.rootUrl },
    request: { design_mode: false },
  };
}

const engine = createStorefrontLiquid();

export async function renderBlock(input: BlockRenderInput, liquid: Liquid = engine): Promise<string> {
  return liquid.parseAndRender(input.source, storefrontScope(input));
}

export interface BlockSchemaSetting {
  type: string;
  id: string;
  label?: string;
  default?: unknown;
  min?: number;
  max?: number;
  step?: number;
}

export interface BlockSchema {
  name: string;
  target?: string;
  settings: BlockSchemaSetting[];
}

/** The block's `{% schema %}` JSON. Throws when it is missing or not valid JSON. */
export function parseBlockSchema(source: string): BlockSchema {
  const match = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source);
  if (!match) throw new Error("the block has no {% schema %}");
  const schema = JSON.parse(match[1]) as BlockSchema;
  if (!schema || typeof schema.name !== "string" || !Array.isArray(schema.settings)) {
    throw new Error("the block's schema needs a name and a settings list");
  }
  return schema;
}

/**
 * Block settings as the theme editor would hold them: each setting's default, replaced by a value
 * from `overrides` (the preview page's query string) when one is given. Range settings are kept
 * within their min and max, as the editor's slider does.
 */
export function blockSettings(schema: BlockSchema, overrides: URLSearchParams): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const setting of schema.settings) {
    const given = overrides.get(setting.id);
    if (setting.type === "range" || setting.type === "number") {
      const fallback = typeof setting.default === "number" ? setting.default : (setting.min ?? 0);
      let value = given === null || given.trim() === "" ? fallback : Number(given);
      if (!Number.isFinite(value)) value = fallback;
      if (setting.min !== undefined) value = Math.max(setting.min, value);
      if (setting.max !== undefined) value = Math.min(setting.max, value);
      settings[setting.id] = value;
    } else if (setting.type === "checkbox") {
      settings[setting.id] = given === null ? Boolean(setting.default) : given === "true" || given === "1";
    } else {
      settings[setting.id] = given ?? (setting.default === undefined ? "" : setting.default);
    }
  }
  return settings;
}
