// The Admin API's answer to the runner's shop-details query (app/services/runner/run-context.ts),
// for runner tests whose stand-in Admin API answers it the same way for any shop.

/** True for the runner's shop-details query (`query HooklineShop`). */
export function isShopDetailsQuery(query: string): boolean {
  return query.includes("HooklineShop");
}

/** A shop's details, named after its domain. */
export function shopDetailsResponse(shop: string): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      data: {
        shop: {
          name: `Shop ${shop}`,
          email: "owner@example.com",
          myshopifyDomain: shop,
          primaryDomain: { host: `www.${shop}` },
          currencyCode: "EUR",
          ianaTimezone: "Europe/Paris",
        },
      },
    },
  };
}
