// The local store's storefront preview: a page that renders the theme app extension's block
// (extensions/hookline-metafield) for a chosen demo customer, with the store's real metafield
// values, and answers the Section Rendering API requests the block's script polls with.
// Test and demo surface only; a real storefront is Shopify's.
//
//   GET /_local/storefront/<shop>?customer=<id>&<block setting>=<value>…   the page
//   GET /_local/storefront/<shop>?…&section_id=<id>                        one section's HTML
//   GET /_local/storefront/<shop>?…&sections=<id>[,<id>]                   sections as JSON
//   GET /_local/storefront/<shop>/account/login?…                          pick a customer
//   GET /_local/storefront/assets/<file>                                   the extension's assets
//
// No `customer` means a visitor who is not logged in. Block settings (webhook_url,
// metafield_namespace, metafield_key, poll_interval, timeout, …) come from the query string,
// else the defaults in the block's {% schema %}.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LocalStoreState } from "../state";
import { blockSettings, parseBlockSchema, renderBlock, type StorefrontCustomer } from "./liquid";

export const STOREFRONT_PREFIX = "/_local/storefront";
export const PREVIEW_SECTION_ID = "template--hookline-preview__main";
export const PREVIEW_BLOCK_ID = "hookline_metafield_result_preview";
export const DEFAULT_EXTENSION_DIR = fileURLToPath(new URL("../../../extensions/hookline-metafield/", import.meta.url));
export const BLOCK_FILE = "blocks/metafield-result.liquid";

// Query parameters that belong to the preview itself, not to block settings.
const PREVIEW_PARAMS = new Set(["customer", "section_id", "sections"]);
const ASSET_NAME = /^[a-z0-9][a-z0-9_.-]*\.(js|css)$/i;
const ASSET_TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

export interface StorefrontAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface StorefrontOptions {
  state: LocalStoreState;
  /** The extension's directory (holds blocks/ and assets/). */
  extensionDir?: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function html(status: number, body: string): StorefrontAnswer {
  return { status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }, body };
}

function problem(status: number, message: string, extra: Record<string, string> = {}): StorefrontAnswer {
  return {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...extra },
    body: `${message}\n`,
  };
}

/** The query string without the preview's own parameters: the block settings, kept across links. */
function settingsQuery(search: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [name, value] of search) if (!PREVIEW_PARAMS.has(name)) kept.append(name, value);
  return kept;
}

function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function readExtensionFile(dir: string, relative: string): Promise<string> {
  return readFile(path.join(dir, relative), "utf8");
}

function customerFor(state: LocalStoreState, shop: string, id: string): StorefrontCustomer | null {
  const customer = state.getCustomer(shop, id);
  if (!customer) return null;
  return {
    id: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    email: customer.email,
    tags: customer.tags,
    metafields: state.listMetafields(shop, customer.id),
  };
}

function sectionHtml(sectionId: string, inner: string): string {
  return `<div id="shopify-section-${escapeHtml(sectionId)}" class="shopify-section">${inner}</div>`;
}

function pageHtml(options: {
  shopName: string;
  shopPath: string;
  customer: StorefrontCustomer | null;
  settings: URLSearchParams;
  section: string;
}): string {
  const { shopName, shopPath, customer, settings, section } = options;
  const who = customer
    ? `Logged in as <strong data-testid="storefront-customer">${escapeHtml(
        [customer.firstName, customer.lastName].filter(Boolean).join(" ") || `customer ${customer.id}`,
      )}</strong> (customer ${customer.id}) · <a href="${escapeHtml(withQuery(shopPath, settings))}">Log out</a>`
    : `Not logged in · <a href="${escapeHtml(withQuery(`${shopPath}/account/login`, settings))}">Log in</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(shopName)} · storefront preview</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
  header, main { max-width: 44rem; margin: 0 auto; padding: 1rem 1.25rem; }
  header { border-bottom: 1px solid #ddd; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; justify-content: space-between; }
  .preview-note { font-size: 0.875rem; color: #555; }
  a { color: #0b57d0; }
  .button { font: inherit; padding: 0.6rem 1.1rem; border-radius: 6px; border: 0; background: #1a1a1a; color: #fff; cursor: pointer; }
</style>
</head>
<body>
<header>
  <div><strong>${escapeHtml(shopName)}</strong> <span class="preview-note">storefront preview (local development store)</span></div>
  <nav aria-label="Account">${who}</nav>
</header>
<main>
  <h1>Your account</h1>
  ${section}
</main>
</body>
</html>
`;
}

function loginPageHtml(
  shopName: string,
  shopPath: string,
  customers: { id: number; name: string }[],
  settings: URLSearchParams,
): string {
  const items = customers
    .map((c) => {
      const query = new URLSearchParams(settings);
      query.set("customer", String(c.id));
      return `<li><a href="${escapeHtml(withQuery(shopPath, query))}">${escapeHtml(c.name)} (customer ${c.id})</a></li>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in · ${escapeHtml(shopName)}</title></head>
<body>
<main>
<h1>Log in to ${escapeHtml(shopName)}</h1>
<p>Storefront preview: choose a demo customer to act as.</p>
<ul>
${items}
</ul>
</main>
</body>
</html>
`;
}

/** Answers a storefront preview request (any method; only GET and HEAD are served). */
export async function answerStorefront(
  method: string,
  rawUrl: string,
  options: StorefrontOptions,
): Promise<StorefrontAnswer> {
  const { state } = options;
  const extensionDir = options.extensionDir ?? DEFAULT_EXTENSION_DIR;
  const url = new URL(rawUrl, "http://local-store");
  if (method !== "GET" && method !== "HEAD") {
    return problem(405, `Method ${method} not allowed: the storefront preview only answers GET`, {
      Allow: "GET, HEAD",
    });
  }
  const rest = url.pathname.slice(STOREFRONT_PREFIX.length);

  const asset = /^\/assets\/([^/]+)$/.exec(rest);
  if (asset) {
    const name = decodeURIComponent(asset[1]);
    const extension = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
    if (!ASSET_NAME.test(name) || !ASSET_TYPES[extension]) return problem(404, `No asset ${name}`);
    try {
      const body = await readExtensionFile(extensionDir, `assets/${name}`);
      return { status: 200, headers: { "Content-Type": ASSET_TYPES[extension], "Cache-Control": "no-cache" }, body };
    } catch {
      return problem(404, `No asset ${name}`);
    }
  }

  const page = /^\/([^/]+)(\/account\/login)?\/?$/.exec(rest);
  if (!page) return problem(404, "Not Found");
  const shop = decodeURIComponent(page[1]).toLowerCase();
  const shopRecord = state.getShop(shop);
  if (!shopRecord) return problem(404, `Unknown shop ${shop}`);
  const shopPath = `${STOREFRONT_PREFIX}/${encodeURIComponent(shop)}`;
  const settingsParams = settingsQuery(url.searchParams);

  if (page[2]) {
    const customers = state.listCustomers(shop).map((c) => ({
      id: c.id,
      name: [c.firstName, c.lastName].filter(Boolean).join(" ") || `Customer ${c.id}`,
    }));
    return html(200, loginPageHtml(shopRecord.name, shopPath, customers, settingsParams));
  }

  const customerParam = url.searchParams.get("customer");
  let customer: StorefrontCustomer | null = null;
  if (customerParam !== null && customerParam !== "") {
    customer = customerFor(state, shop, customerParam);
    if (!customer) return problem(404, `Unknown customer ${customerParam} in ${shop}`);
  }

  const source = await readExtensionFile(extensionDir, BLOCK_FILE);
  const schema = parseBlockSchema(source);
  const block = await renderBlock({
    source,
    customer,
    shop: { name: shopRecord.name, domain: shop, email: shopRecord.email, currencyCode: shopRecord.currencyCode },
    settings: blockSettings(schema, settingsParams),
    blockId: PREVIEW_BLOCK_ID,
    sectionId: PREVIEW_SECTION_ID,
    assetBaseUrl: `${STOREFRONT_PREFIX}/assets`,
    routes: { accountLoginUrl: withQuery(`${shopPath}/account/login`, settingsParams), rootUrl: shopPath },
  });

  // Section Rendering API: the page has one section, the one holding the block.
  const sectionId = url.searchParams.get("section_id");
  if (sectionId !== null) {
    if (sectionId !== PREVIEW_SECTION_ID) return problem(404, `No section ${sectionId} on this page`);
    return html(200, sectionHtml(PREVIEW_SECTION_ID, block));
  }
  const sections = url.searchParams.get("sections");
  if (sections !== null) {
    // Shopify answers unknown ids with null, at most five sections per request.
    const ids = sections
      .split(",")
      .map((id) => id.trim())
      .filter(Boolean)
      .slice(0, 5);
    const body = Object.fromEntries(ids.map((id) => [id, id === PREVIEW_SECTION_ID ? sectionHtml(id, block) : null]));
    return {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
      body: JSON.stringify(body),
    };
  }

  return html(
    200,
    pageHtml({
      shopName: shopRecord.name,
      shopPath,
      customer,
      settings: settingsParams,
      section: sectionHtml(PREVIEW_SECTION_ID, block),
    }),
  );
}

/**
 * The local store's hook: answers requests under /_local/storefront and returns true, or returns
 * false for every other path. Mounted in ../server.ts.
 */
export async function handleStorefrontRequest(
  request: IncomingMessage,
  response: ServerResponse,
  options: StorefrontOptions,
): Promise<boolean> {
  const rawUrl = request.url ?? "/";
  const pathname = new URL(rawUrl, "http://local-store").pathname;
  if (pathname !== STOREFRONT_PREFIX && !pathname.startsWith(`${STOREFRONT_PREFIX}/`)) return false;
  let answer: StorefrontAnswer;
  try {
    answer = await answerStorefront(request.method ?? "GET", rawUrl, options);
  } catch (error) {
    // A broken block (Liquid or schema error) is shown to the developer, not swallowed.
    answer = problem(
      500,
      `Storefront preview could not render the block: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  request.resume();
  response.writeHead(answer.status, { ...answer.headers, "Content-Length": Buffer.byteLength(answer.body) });
  response.end(request.method === "HEAD" ? undefined : answer.body);
  return true;
}
