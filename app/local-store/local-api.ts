// The store's developer endpoints under /_local/: JSON to look inside and to change things the way
// a merchant would in Shopify admin (create an order for a customer, tag a customer, uninstall the
// app...). Writes go through the same state methods the Admin API uses, so they emit the same
// webhooks. Also App Bridge's scopes API for the local App Bridge stub (CORS, session token).
import type { IncomingMessage, ServerResponse } from "node:http";
import { verifySessionToken } from "./auth";
import type { LocalStoreState, UserError } from "./state";
import { HttpError, readBody, requireMethod, sendJson } from "./http-util";
import { customerSummary } from "./resolvers";
import type { WebhookDispatcher } from "./webhooks/dispatcher";
import type { MailCatcher } from "./mail/catcher";

export interface LocalApiContext {
  state: LocalStoreState;
  webhooks: WebhookDispatcher;
  mail: MailCatcher | null;
  apiKey: string;
  apiSecret: string;
  nowMs: () => number;
  bodyLimit: number;
}

type Json = Record<string, unknown>;

async function jsonBody(request: IncomingMessage, limit: number): Promise<Json> {
  const raw = await readBody(request, limit);
  if (raw.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // answered below
  }
  throw new HttpError(400, { error: "Body must be a JSON object" });
}

function answer(response: ServerResponse, result: { userErrors: UserError[] } & Json, okStatus = 200): void {
  sendJson(response, result.userErrors.length > 0 ? 422 : okStatus, result);
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : typeof value === "string"
      ? value.split(",")
      : undefined;

export function metafieldsOf(state: LocalStoreState, shop: string, customerId: number) {
  return state
    .listMetafields(shop, customerId)
    .map((metafield) => ({ ...metafield, id: `gid://shopify/Metafield/${metafield.id}` }));
}

function requireShop(state: LocalStoreState, raw: string): string {
  const shop = decodeURIComponent(raw).toLowerCase();
  if (!state.hasShop(shop)) throw new HttpError(404, { error: `Unknown shop ${shop}` });
  return shop;
}

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Max-Age": "600",
};

/** The shop a session token (App Bridge's idToken) is for, or 401. */
function sessionShop(request: IncomingMessage, ctx: LocalApiContext): string {
  const header = request.headers.authorization ?? "";
  const token = /^Bearer (.+)$/.exec(header)?.[1];
  if (!token) throw new HttpError(401, { error: "A session token is required (Authorization: Bearer)" }, CORS_HEADERS);
  const check = verifySessionToken(token, {
    apiKey: ctx.apiKey,
    apiSecret: ctx.apiSecret,
    nowSeconds: ctx.nowMs() / 1000,
  });
  if (!check.ok) throw new HttpError(401, { error: check.reason }, CORS_HEADERS);
  if (!ctx.state.hasShop(check.shop)) throw new HttpError(404, { error: `Unknown shop ${check.shop}` }, CORS_HEADERS);
  return check.shop;
}

/** Handles /_local/... requests; false when the path is not one of them. */
export async function handleLocalApi(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  ctx: LocalApiContext,
): Promise<boolean> {
  const { state } = ctx;
  const method = request.method ?? "GET";
  const query = new URL(request.url ?? "/", "http://local-store").searchParams;

  // App Bridge's scopes API (shopify.scopes.query / request), called from the app's page.
  if (
    pathname === "/_local/app-bridge/scopes" ||
    pathname === "/_local/app-bridge/scopes/request" ||
    pathname === "/_local/app-bridge/scopes/revoke"
  ) {
    if (method === "OPTIONS") {
      response.writeHead(204, CORS_HEADERS);
      response.end();
      return true;
    }
    const shop = sessionShop(request, ctx);
    if (pathname === "/_local/app-bridge/scopes") {
      requireMethod(request, "GET");
      sendJson(response, 200, state.installations.detail(shop), CORS_HEADERS);
      return true;
    }
    requireMethod(request, "POST");
    const body = await jsonBody(request, ctx.bodyLimit);
    const scopes = strings(body.scopes);
    if (!scopes || scopes.length === 0)
      throw new HttpError(400, { error: "scopes must be a list of scope handles" }, CORS_HEADERS);
    if (pathname.endsWith("/revoke")) {
      const revoked = state.installations.revoke(shop, scopes);
      if ("error" in revoked) throw new HttpError(422, { error: revoked.error, code: revoked.code }, CORS_HEADERS);
      sendJson(response, 200, { detail: state.installations.detail(shop) }, CORS_HEADERS);
      return true;
    }
    const result = state.installations.request(shop, scopes);
    if ("error" in result) throw new HttpError(422, { error: result.error }, CORS_HEADERS);
    // The local merchant always accepts (Shopify shows a grant modal).
    sendJson(response, 200, { result: "granted-all", detail: result.detail }, CORS_HEADERS);
    return true;
  }

  if (pathname === "/_local/webhooks/deliveries") {
    requireMethod(request, "GET");
    const deliveries = ctx.webhooks.deliveries({
      shop: query.get("shop") ?? undefined,
      topic: query.get("topic") ?? undefined,
    });
    sendJson(response, 200, { deliveries });
    return true;
  }

  if (pathname === "/_local/mail" || pathname === "/_local/mail/messages") {
    if (!ctx.mail) throw new HttpError(404, { error: "The mail catcher is not running" });
    if (method === "DELETE") {
      ctx.mail.clear();
      sendJson(response, 200, { ok: true });
      return true;
    }
    requireMethod(request, "GET");
    sendJson(response, 200, {
      smtpPort: ctx.mail.port,
      messages: ctx.mail.messages({ to: query.get("to") ?? undefined }),
    });
    return true;
  }

  const shopPath = /^\/_local\/shops\/([^/]+)\/(.+)$/.exec(pathname);
  if (!shopPath) return false;
  const shop = requireShop(state, shopPath[1]);
  const rest = shopPath[2];
  const commerce = state.commerce;
  const segments = rest.split("/").map(decodeURIComponent);

  // How many times metafieldsSet wrote each metafield (a test tells a repeated write from one) ----
  if (rest === "metafield-writes") {
    requireMethod(request, "GET");
    const namespace = query.get("namespace") ?? undefined;
    sendJson(response, 200, { shop, writes: state.metafieldWriteCounts(shop, namespace) });
    return true;
  }

  // Customers -----------------------------------------------------------------------------------
  if (segments[0] === "customers") {
    if (segments.length === 1) {
      if (method === "POST") {
        const body = await jsonBody(request, ctx.bodyLimit);
        const result = state.createCustomer(shop, {
          firstName: text(body.firstName),
          lastName: text(body.lastName),
          email: text(body.email),
          phone: text(body.phone),
          note: text(body.note),
          tags: strings(body.tags),
        });
        answer(
          response,
          { customer: result.customer ? customerSummary(result.customer) : null, userErrors: result.userErrors },
          201,
        );
        return true;
      }
      requireMethod(request, "GET");
      sendJson(response, 200, { shop, customers: state.listCustomers(shop).map(customerSummary) });
      return true;
    }
    const customer = state.getCustomer(shop, segments[1]);
    if (!customer) throw new HttpError(404, { error: `Unknown customer ${segments[1]} in ${shop}` });
    const gid = `gid://shopify/Customer/${customer.id}`;
    if (segments.length === 2) {
      if (method === "DELETE") {
        answer(response, state.deleteCustomer(shop, gid));
        return true;
      }
      if (method === "POST") {
        const body = await jsonBody(request, ctx.bodyLimit);
        const result = state.updateCustomer(shop, {
          id: gid,
          ...("firstName" in body ? { firstName: text(body.firstName) ?? null } : {}),
          ...("lastName" in body ? { lastName: text(body.lastName) ?? null } : {}),
          ...("email" in body ? { email: text(body.email) ?? null } : {}),
          ...("phone" in body ? { phone: text(body.phone) ?? null } : {}),
          ...("note" in body ? { note: text(body.note) ?? null } : {}),
          ...("tags" in body ? { tags: strings(body.tags) ?? [] } : {}),
        });
        answer(response, {
          customer: result.customer ? customerSummary(result.customer) : null,
          userErrors: result.userErrors,
        });
        return true;
      }
      requireMethod(request, "GET");
      sendJson(response, 200, {
        shop,
        customer: customerSummary(customer),
        metafields: metafieldsOf(state, shop, customer.id),
        orders: commerce.ordersOfCustomer(shop, customer.id),
      });
      return true;
    }
    if (segments[2] === "tags" && segments.length === 3) {
      requireMethod(request, "POST");
      const body = await jsonBody(request, ctx.bodyLimit);
      const add = strings(body.add) ?? [];
      const remove = strings(body.remove) ?? [];
      if (add.length === 0 && remove.length === 0) throw new HttpError(400, { error: "Give tags to add or remove" });
      if (add.length > 0) state.changeCustomerTags(shop, customer.id, add, true);
      if (remove.length > 0) state.changeCustomerTags(shop, customer.id, remove, false);
      sendJson(response, 200, { customer: customerSummary(state.getCustomer(shop, customer.id)!), userErrors: [] });
      return true;
    }
    if (segments[2] === "metafields" && segments.length === 3) {
      if (method === "POST") {
        const body = await jsonBody(request, ctx.bodyLimit);
        const result = state.setMetafields(shop, [
          {
            ownerId: gid,
            namespace: text(body.namespace) ?? null,
            key: text(body.key) ?? "",
            type: text(body.type) ?? null,
            value: typeof body.value === "string" ? body.value : JSON.stringify(body.value ?? ""),
          },
        ]);
        answer(response, { metafields: result.metafields, userErrors: result.userErrors });
        return true;
      }
      requireMethod(request, "GET");
      sendJson(response, 200, {
        shop,
        customer: customerSummary(customer),
        metafields: metafieldsOf(state, shop, customer.id),
      });
      return true;
    }
  }

  // Orders --------------------------------------------------------------------------------------
  if (segments[0] === "orders") {
    if (segments.length === 1) {
      if (method === "POST") {
        const body = await jsonBody(request, ctx.bodyLimit);
        const lineItems = Array.isArray(body.lineItems)
          ? (body.lineItems as Json[]).map((item) => ({
              variantId: (item.variantId as string | number | undefined) ?? null,
              title: text(item.title) ?? null,
              quantity: typeof item.quantity === "number" ? item.quantity : 1,
              price: text(item.price) ?? (typeof item.price === "number" ? String(item.price) : null),
            }))
          : [{ variantId: commerce.listProducts(shop)[0]?.variants[0]?.id ?? null, quantity: 1 }];
        const result = commerce.createOrder(shop, {
          customerId: (body.customer ?? body.customerId) as string | number | undefined,
          email: text(body.email),
          lineItems,
          financialStatus: body.financialStatus === "pending" ? "pending" : "paid",
          tags: strings(body.tags),
          note: text(body.note),
        });
        answer(response, { order: result.order, userErrors: result.userErrors }, 201);
        return true;
      }
      requireMethod(request, "GET");
      sendJson(response, 200, { shop, orders: commerce.listOrders(shop) });
      return true;
    }
    const gid = `gid://shopify/Order/${segments[1]}`;
    if (!commerce.getOrder(shop, gid)) throw new HttpError(404, { error: `Unknown order ${segments[1]} in ${shop}` });
    if (segments.length === 2 && method === "DELETE") {
      answer(response, commerce.deleteOrder(shop, gid));
      return true;
    }
    if (segments.length === 2 && method === "POST") {
      const body = await jsonBody(request, ctx.bodyLimit);
      answer(
        response,
        commerce.updateOrder(shop, {
          id: gid,
          ...("note" in body ? { note: text(body.note) ?? null } : {}),
          ...("email" in body ? { email: text(body.email) ?? null } : {}),
          ...("tags" in body ? { tags: strings(body.tags) ?? [] } : {}),
        }),
      );
      return true;
    }
    if (segments.length === 2) {
      requireMethod(request, "GET");
      sendJson(response, 200, { shop, order: commerce.getOrder(shop, gid) });
      return true;
    }
    if (segments[2] === "paid") {
      requireMethod(request, "POST");
      answer(response, commerce.markOrderAsPaid(shop, gid));
      return true;
    }
    if (segments[2] === "cancel") {
      requireMethod(request, "POST");
      const body = await jsonBody(request, ctx.bodyLimit);
      answer(response, commerce.cancelOrder(shop, gid, text(body.reason) ?? "OTHER"));
      return true;
    }
    if (segments[2] === "tags") {
      requireMethod(request, "POST");
      const body = await jsonBody(request, ctx.bodyLimit);
      if (strings(body.add)?.length) commerce.changeTags(shop, gid, strings(body.add)!, true);
      if (strings(body.remove)?.length) commerce.changeTags(shop, gid, strings(body.remove)!, false);
      sendJson(response, 200, { order: commerce.getOrder(shop, gid), userErrors: [] });
      return true;
    }
  }

  // Draft orders --------------------------------------------------------------------------------
  if (segments[0] === "draft-orders") {
    if (segments.length === 1) {
      if (method === "POST") {
        const body = await jsonBody(request, ctx.bodyLimit);
        const lineItems = Array.isArray(body.lineItems)
          ? (body.lineItems as Json[]).map((item) => ({
              variantId: (item.variantId as string | number | undefined) ?? null,
              title: text(item.title) ?? null,
              quantity: typeof item.quantity === "number" ? item.quantity : 1,
              price: text(item.price) ?? null,
            }))
          : [{ variantId: commerce.listProducts(shop)[0]?.variants[0]?.id ?? null, quantity: 1 }];
        const result = commerce.createDraftOrder(shop, {
          customerId: (body.customer ?? body.customerId) as string | number | undefined,
          email: text(body.email),
          lineItems,
          tags: strings(body.tags),
          note: text(body.note),
        });
        answer(response, { draftOrder: result.draftOrder, userErrors: result.userErrors }, 201);
        return true;
      }
      requireMethod(request, "GET");
      sendJson(response, 200, { shop, draftOrders: commerce.listDraftOrders(shop) });
      return true;
    }
    const gid = `gid://shopify/DraftOrder/${segments[1]}`;
    if (!commerce.getDraftOrder(shop, gid))
      throw new HttpError(404, { error: `Unknown draft order ${segments[1]} in ${shop}` });
    if (segments.length === 2 && method === "DELETE") {
      answer(response, commerce.deleteDraftOrder(shop, gid));
      return true;
    }
    if (segments[2] === "complete") {
      requireMethod(request, "POST");
      const body = await jsonBody(request, ctx.bodyLimit);
      answer(response, commerce.completeDraftOrder(shop, gid, body.paymentPending === true));
      return true;
    }
  }

  // Products and inventory ----------------------------------------------------------------------
  if (segments[0] === "products") {
    if (segments.length === 1) {
      if (method === "POST") {
        const body = await jsonBody(request, ctx.bodyLimit);
        const result = commerce.createProduct(shop, {
          title: text(body.title),
          vendor: text(body.vendor),
          productType: text(body.productType),
          tags: strings(body.tags),
        });
        answer(response, { product: result.product, userErrors: result.userErrors }, 201);
        return true;
      }
      requireMethod(request, "GET");
      const products = commerce.listProducts(shop).map((product) => ({
        ...product,
        variants: product.variants.map((variant) => ({
          ...variant,
          inventoryQuantity: commerce.inventoryQuantity(shop, variant),
        })),
      }));
      sendJson(response, 200, { shop, products, locations: commerce.listLocations(shop) });
      return true;
    }
    const gid = `gid://shopify/Product/${segments[1]}`;
    if (segments.length === 2 && method === "DELETE") {
      answer(response, commerce.deleteProduct(shop, gid));
      return true;
    }
    if (segments.length === 2) {
      requireMethod(request, "POST");
      const body = await jsonBody(request, ctx.bodyLimit);
      answer(
        response,
        commerce.updateProduct(shop, gid, {
          title: text(body.title),
          vendor: text(body.vendor),
          productType: text(body.productType),
          tags: strings(body.tags),
        }),
      );
      return true;
    }
  }
  if (segments[0] === "inventory" && segments.length === 1) {
    requireMethod(request, "POST");
    const body = await jsonBody(request, ctx.bodyLimit);
    const variant = body.variantId != null ? commerce.getVariant(shop, body.variantId as string | number) : null;
    const inventoryItemId = variant?.inventoryItemId ?? body.inventoryItemId;
    const locationId = body.locationId ?? commerce.listLocations(shop)[0]?.id;
    if (inventoryItemId == null) throw new HttpError(400, { error: "Give variantId or inventoryItemId" });
    if (typeof body.delta !== "number" || !Number.isInteger(body.delta))
      throw new HttpError(400, { error: "delta must be an integer" });
    const result = commerce.adjustInventory(shop, {
      name: "available",
      reason: text(body.reason) ?? "correction",
      changes: [
        {
          delta: body.delta,
          inventoryItemId: `gid://shopify/InventoryItem/${String(inventoryItemId).replace(/\D/g, "")}`,
          locationId: `gid://shopify/Location/${String(locationId).replace(/\D/g, "")}`,
        },
      ],
    });
    answer(response, { changes: result.group?.changes ?? [], userErrors: result.userErrors });
    return true;
  }

  // The app on this shop ------------------------------------------------------------------------
  if (rest === "webhook-subscriptions") {
    requireMethod(request, "GET");
    sendJson(response, 200, { shop, subscriptions: state.webhookSubscriptions.list(shop) });
    return true;
  }
  if (rest === "uninstall") {
    requireMethod(request, "POST");
    const uninstalled = state.uninstallApp(shop);
    sendJson(response, 200, { shop, installed: false, changed: uninstalled });
    return true;
  }
  if (rest === "install") {
    requireMethod(request, "POST");
    state.installApp(shop);
    sendJson(response, 200, { shop, installed: true });
    return true;
  }
  if (rest === "scopes") {
    if (method === "POST") {
      const body = await jsonBody(request, ctx.bodyLimit);
      const grant = strings(body.grant) ?? [];
      const revoke = strings(body.revoke) ?? [];
      if (grant.length > 0) {
        const result = state.installations.request(shop, grant);
        if ("error" in result) throw new HttpError(422, { error: result.error });
      }
      if (revoke.length > 0) {
        const result = state.installations.revoke(shop, revoke);
        if ("error" in result) throw new HttpError(422, { error: result.error });
      }
    } else requireMethod(request, "GET");
    sendJson(response, 200, {
      shop,
      installed: state.installations.isInstalled(shop),
      ...state.installations.detail(shop),
    });
    return true;
  }
  return false;
}
