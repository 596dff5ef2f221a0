// The storefront origins of a shop for "restricted" CORS webhooks: the shop's domains read from
// the Admin API (cached per shop, since ingress must not call Shopify per request).
import { adminGraphql } from "~/services/shopify/admin-api.server";

export type ShopDomainsFetcher = (shop: string) => Promise<string[]>;

const DOMAINS_QUERY = `query HooklineShopDomains { shop { primaryDomain { url } domains { url } } }`;

/** Reads the shop's domain URLs with its offline session. */
export const fetchShopDomainsFromAdmin: ShopDomainsFetcher = async (shop) => {
  const response = await adminGraphql(shop, DOMAINS_QUERY);
  const body = response.body as {
    data?: { shop?: { primaryDomain?: { url?: string }; domains?: { url?: string }[] } };
  };
  if (response.status !== 200 || !body?.data?.shop) throw new Error(`Admin API answered ${response.status}`);
  const urls = [body.data.shop.primaryDomain?.url, ...(body.data.shop.domains ?? []).map((d) => d.url)];
  return urls.filter((url): url is string => typeof url === "string" && url !== "");
};

const SUCCESS_TTL_MS = 5 * 60_000;
const FAILURE_TTL_MS = 30_000;

export class ShopDomainsCache {
  private readonly entries = new Map<string, { domains: Promise<string[]>; expiresAt: number }>();

  constructor(
    private readonly fetcher: ShopDomainsFetcher = fetchShopDomainsFromAdmin,
    private readonly log: (message: string) => void = (message) => console.warn(message),
  ) {}

  /** The shop's domain URLs; an Admin API failure yields [] (only myshopify and settings origins) for a short while. */
  get(shop: string): Promise<string[]> {
    const now = Date.now();
    const entry = this.entries.get(shop);
    if (entry && entry.expiresAt > now) return entry.domains;
    const domains = this.fetcher(shop).catch((error: unknown) => {
      this.log(
        `ingress: could not read the domains of ${shop} (${error instanceof Error ? error.message : String(error)}); allowing only its myshopify and settings origins`,
      );
      const current = this.entries.get(shop);
      if (current) current.expiresAt = Date.now() + FAILURE_TTL_MS;
      return [] as string[];
    });
    this.entries.set(shop, { domains, expiresAt: now + SUCCESS_TTL_MS });
    return domains;
  }

  clear(): void {
    this.entries.clear();
  }
}
