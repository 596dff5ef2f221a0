// Per-render state that filters and tags need (time zone, preview mode, the injected Shopify
// query function, recorded permissions). It lives in the liquidjs Context's registers, which
// templates cannot reach.
import type { Context } from "liquidjs";

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
}

const REGISTER = "hookline:state";

export function createRenderState(partial: Partial<RenderState> = {}): RenderState {
  return {
    timeZone: "UTC",
    preview: false,
    permissions: [],
    shop: { currency: "USD" },
    shopifyCalls: 0,
    maxShopifyCalls: 50,
    ...partial,
  };
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
