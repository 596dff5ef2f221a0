// What one job reads once and renders many times: the shop's details (an Admin API call) and the
// event as Liquid sees it (with up to five generations of parents).
import type { EventRow, RunStore } from "~/data/run-store";
import { isPlainObject } from "~/domain/actions/types";
import { MAX_PARENT_GENERATIONS } from "~/domain/tasks/render";
import type { AdminGraphqlFn, ShopInfo, TaskEvent } from "./deps";

const SHOP_QUERY = `query HooklineShop { shop { name email myshopifyDomain primaryDomain { host } currencyCode ianaTimezone } }`;

/** Per-job memo: the shop's details and the event (with parents) are read once per job. */
export class RunContext {
  private shops = new Map<string, Promise<ShopInfo>>();
  private events = new Map<string, Promise<TaskEvent>>();

  constructor(private readonly deps: { store: RunStore; adminGraphql: AdminGraphqlFn }) {}

  shop(shop: string, script: string): Promise<ShopInfo> {
    // Reading the shop costs an Admin API call; scripts that never mention `shop` do not pay for it.
    if (!/\bshop\b/.test(script)) return Promise.resolve(minimalShop(shop));
    let pending = this.shops.get(shop);
    if (!pending) {
      pending = loadShopInfo(shop, this.deps.adminGraphql);
      this.shops.set(shop, pending);
      pending.catch(() => this.shops.delete(shop));
    }
    return pending;
  }

  taskEvent(event: EventRow): Promise<TaskEvent> {
    let pending = this.events.get(event.id);
    if (!pending) {
      pending = toTaskEvent(event, this.deps.store, 0);
      this.events.set(event.id, pending);
    }
    return pending;
  }
}

function minimalShop(shop: string): ShopInfo {
  return { name: shop, domain: shop, myshopify_domain: shop, email: "", currency: "", timezone: "" };
}

async function loadShopInfo(shop: string, adminGraphql: AdminGraphqlFn): Promise<ShopInfo> {
  const response = await adminGraphql(shop, SHOP_QUERY);
  const body = response.body as { data?: { shop?: Record<string, unknown> }; errors?: unknown } | undefined;
  const data = body?.data?.shop;
  if (response.status !== 200 || !data) {
    throw new Error(
      `could not read the shop's details from the Admin API (HTTP ${response.status}${body?.errors ? `: ${JSON.stringify(body.errors).slice(0, 300)}` : ""})`,
    );
  }
  const primary = isPlainObject(data.primaryDomain) ? data.primaryDomain : {};
  return {
    name: String(data.name ?? shop),
    domain: String(primary.host ?? data.myshopifyDomain ?? shop),
    myshopify_domain: String(data.myshopifyDomain ?? shop),
    email: String(data.email ?? ""),
    currency: String(data.currencyCode ?? ""),
    timezone: String(data.ianaTimezone ?? ""),
  };
}

async function toTaskEvent(event: EventRow, store: RunStore, generation: number): Promise<TaskEvent> {
  let parent: TaskEvent | null = null;
  if (event.parentId && generation < MAX_PARENT_GENERATIONS) {
    const parentRow = await store.getEvent(event.parentId);
    if (parentRow) parent = await toTaskEvent(parentRow, store, generation + 1);
  }
  return {
    id: event.id,
    topic: event.topic,
    // The stored text as it is: parsed where the render runs (a render thread), once.
    data: null,
    dataJson: event.data,
    created_at: event.createdAt.toISOString(),
    source: event.source,
    parent,
    webhook_request_id: event.requestId,
  };
}
