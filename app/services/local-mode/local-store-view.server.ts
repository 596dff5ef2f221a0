// The app's "Local store" page (local mode only, issue 13): the local development store's customers
// with their ids and metafields, its orders and products, and the storefront preview link, read from
// the store's JSON endpoints (/_local/shops/<shop>/...; app/local-store/local-api.ts), so the
// metafield tutorial needs no README lookup. Bounded: at most MAX_ROWS of each, one request each.
import { localStoreUrl } from "~/config.server";

export const MAX_ROWS = 50;
const TIMEOUT_MS = 5000;

export interface LocalStoreView {
  storeUrl: string;
  adminUrl: string;
  storefrontUrl: string;
  customers: {
    id: number;
    gid: string;
    name: string;
    email: string | null;
    tags: string[];
    metafields: { namespace: string; key: string; type: string; value: string }[];
    storefrontUrl: string;
  }[];
  customerCount: number;
  orders: { id: number; name: string; customerId: number | null; financialStatus: string; total: string }[];
  orderCount: number;
  products: { id: number; title: string; status: string; variants: number }[];
  productCount: number;
}

type Json = Record<string, unknown>;

async function getJson(url: string): Promise<Json> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as Json;
}

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** What the page shows for `shop`; throws when the local store cannot be reached. */
export async function loadLocalStoreView(shop: string): Promise<LocalStoreView> {
  const storeUrl = localStoreUrl();
  if (!storeUrl) throw new Error("LOCAL_STORE_URL is not set");
  const base = `${storeUrl}/_local/shops/${encodeURIComponent(shop)}`;
  const storefrontUrl = `${storeUrl}/_local/storefront/${encodeURIComponent(shop)}`;
  const [customersJson, ordersJson, productsJson] = await Promise.all([
    getJson(`${base}/customers`),
    getJson(`${base}/orders`),
    getJson(`${base}/products`),
  ]);
  const allCustomers = list(customersJson.customers);
  const customers = await Promise.all(
    allCustomers.slice(0, MAX_ROWS).map(async (customer) => {
      const id = Number(customer.legacyResourceId);
      const detail = await getJson(`${base}/customers/${id}/metafields`);
      return {
        id,
        gid: str(customer.id) ?? `gid://shopify/Customer/${id}`,
        name: [str(customer.firstName), str(customer.lastName)].filter(Boolean).join(" "),
        email: str(customer.email),
        tags: Array.isArray(customer.tags) ? customer.tags.map(String) : [],
        metafields: list(detail.metafields).map((m) => ({
          namespace: str(m.namespace) ?? "",
          key: str(m.key) ?? "",
          type: str(m.type) ?? "",
          value: str(m.value) ?? "",
        })),
        storefrontUrl: `${storefrontUrl}?customer=${id}`,
      };
    }),
  );
  const allOrders = list(ordersJson.orders);
  const allProducts = list(productsJson.products);
  return {
    storeUrl,
    adminUrl: `${storeUrl}/_local/?shop=${encodeURIComponent(shop)}`,
    storefrontUrl,
    customers,
    customerCount: allCustomers.length,
    orders: allOrders.slice(0, MAX_ROWS).map((order) => {
      const items = list(order.lineItems);
      const total = items.reduce((sum, item) => sum + Number(item.price ?? 0) * Number(item.quantity ?? 0), 0);
      return {
        id: Number(order.id),
        name: str(order.name) ?? "",
        customerId: typeof order.customerId === "number" ? order.customerId : null,
        financialStatus: str(order.financialStatus) ?? "",
        total: `${total.toFixed(2)} ${str(order.currency) ?? ""}`.trim(),
      };
    }),
    orderCount: allOrders.length,
    products: allProducts.slice(0, MAX_ROWS).map((product) => ({
      id: Number(product.id),
      title: str(product.title) ?? "",
      status: str(product.status) ?? "",
      variants: list(product.variants).length,
    })),
    productCount: allProducts.length,
  };
}
