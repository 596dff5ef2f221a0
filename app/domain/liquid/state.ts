// Per-render state that filters and tags need (time zone, preview mode, the injected Shopify
// query function, recorded permissions). It lives in the liquidjs Context's registers, which
// templates cannot reach.
import type { Context } from "liquidjs";
import type { ShopifyObjects } from "./shopify-objects";

export type ShopifyQueryFn = (query: string, variables?: Record<string, unknown>) => Promise<unknown>;

export interface RenderState {
  /** IANA zone used by `date` when no tz: option is given (the shop's zone). */
  timeZone: string;
  preview: boolean;
  shopifyQuery?: ShopifyQueryFn;
  /** Scopes declared with {% permissions %}, in order. */
  permissions: string[];
  /** What the money filters need to know about the shop. */
  shop: { currency: string; moneyFormat?: string; moneyWithCurrencyFormat?: string };
  /** Number of `shopify` filter calls made in this render. */
  shopifyCalls: number;
  maxShopifyCalls: number;
  /** Counts one Admin API query against the run's budget (the filter's and the lookups'). */
  spendQuery: () => void;
  /** Shopify resources looked up by the task (shop.customers[id], .reload, metafields). */
  objects?: ShopifyObjects;
}

const REGISTER = "hookline:state";

export function createRenderState(partial: Partial<RenderState> = {}): RenderState {
  const state: RenderState = {
    timeZone: "UTC",
    preview: false,
    permissions: [],
    shop: { currency: "USD" },
    shopifyCalls: 0,
    maxShopifyCalls: 50,
    spendQuery: () => {
      state.shopifyCalls += 1;
      if (state.shopifyCalls > state.maxShopifyCalls)
        throw new Error(`more than ${state.maxShopifyCalls} Shopify queries in one task run`);
    },
  };
  // Object.assign, not a spread: spreading an object that holds functions cost V8 microseconds per render.
  return Object.assign(state, partial);
}

export function attachState(context: Context, state: RenderState): void {
  context.setRegister(REGISTER, state);
}

export function stateOf(context: Context): RenderState {
  const state = context.getRegister(REGISTER) as RenderState | undefined;
  // Renders outside renderLiquid (e.g. a bare liquid.parseAndRender) get defaults.
  if (!state) {
    const fallback = createRenderState();
    attachState(context, fallback);
    return fallback;
  }
  return state;
}
