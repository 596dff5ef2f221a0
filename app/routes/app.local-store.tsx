// "Local store" (local mode only, issue 13): the local development store's customers (ids and
// metafields, each with its storefront preview), orders and products, so the tutorials need no
// README lookup. Read live from the store's JSON endpoints; 404 outside local mode.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import { localRoutesEnabled } from "~/services/local-mode/guard.server";
import { loadLocalStoreView, type LocalStoreView } from "~/services/local-mode/local-store-view.server";
import { usePolling } from "../components/hooks";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  if (!localRoutesEnabled()) throw new Response("Not Found", { status: 404 });
  const { session } = await authenticate.admin(request);
  try {
    return { shop: session.shop, view: await loadLocalStoreView(session.shop), error: null };
  } catch (error) {
    return { shop: session.shop, view: null, error: error instanceof Error ? error.message : String(error) };
  }
};

const MONO = {
  fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
  wordBreak: "break-all",
} as const;

function More({ shown, total, what }: { shown: number; total: number; what: string }) {
  if (total <= shown) return null;
  return (
    <Text as="p" tone="subdued">
      Showing the first {shown} of {total} {what}.
    </Text>
  );
}

function Customers({ view }: { view: LocalStoreView }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Customers ({view.customerCount})
        </Text>
        <Text as="p" tone="subdued">
          Post a customer's id as <code>customer_id</code> to a webhook whose task sets a metafield; the metafield
          appears here and on the customer's storefront preview.
        </Text>
        {view.customers.length === 0 ? (
          <Text as="p">No customers in this store.</Text>
        ) : (
          <ul style={{ listStyle: "none", margin: 0, padding: 0 }} aria-label="Customers">
            {view.customers.map((customer) => (
              <li key={customer.id} data-testid="local-customer" style={{ borderTop: "1px solid #ebebeb" }}>
                <Box paddingBlock="300">
                  <BlockStack gap="150">
                    <InlineStack gap="200" blockAlign="center" wrap>
                      <Text as="h3" variant="headingSm">
                        {customer.name || customer.email || `Customer ${customer.id}`}
                      </Text>
                      {customer.tags.map((tag) => (
                        <Badge key={tag}>{tag}</Badge>
                      ))}
                    </InlineStack>
                    <Text as="p" variant="bodySm">
                      Id <span style={MONO}>{customer.id}</span> · <span style={MONO}>{customer.gid}</span>
                      {customer.email ? ` · ${customer.email}` : ""}
                    </Text>
                    {customer.metafields.length === 0 ? (
                      <Text as="p" variant="bodySm" tone="subdued">
                        No metafields yet.
                      </Text>
                    ) : (
                      <ul
                        style={{ margin: 0, paddingInlineStart: 18 }}
                        aria-label={`Metafields of customer ${customer.id}`}
                      >
                        {customer.metafields.map((m) => (
                          <li key={`${m.namespace}.${m.key}`} data-testid="local-metafield">
                            <Text as="span" variant="bodySm">
                              <span style={MONO}>
                                {m.namespace}.{m.key}
                              </span>{" "}
                              ({m.type}) = <span style={MONO}>{m.value}</span>
                            </Text>
                          </li>
                        ))}
                      </ul>
                    )}
                    <InlineStack>
                      <Link url={customer.storefrontUrl} target="_blank">
                        Storefront preview as this customer
                      </Link>
                    </InlineStack>
                  </BlockStack>
                </Box>
              </li>
            ))}
          </ul>
        )}
        <More shown={view.customers.length} total={view.customerCount} what="customers" />
      </BlockStack>
    </Card>
  );
}

function Orders({ view }: { view: LocalStoreView }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Orders ({view.orderCount})
        </Text>
        {view.orders.length === 0 ? (
          <Text as="p">No orders yet.</Text>
        ) : (
          <ul style={{ margin: 0, paddingInlineStart: 18 }} aria-label="Orders">
            {view.orders.map((order) => (
              <li key={order.id}>
                <Text as="span" variant="bodySm">
                  {order.name} · id <span style={MONO}>{order.id}</span> · {order.financialStatus} · {order.total}
                  {order.customerId !== null ? ` · customer ${order.customerId}` : ""}
                </Text>
              </li>
            ))}
          </ul>
        )}
        <More shown={view.orders.length} total={view.orderCount} what="orders" />
      </BlockStack>
    </Card>
  );
}

function Products({ view }: { view: LocalStoreView }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Products ({view.productCount})
        </Text>
        {view.products.length === 0 ? (
          <Text as="p">No products.</Text>
        ) : (
          <ul style={{ margin: 0, paddingInlineStart: 18 }} aria-label="Products">
            {view.products.map((product) => (
              <li key={product.id}>
                <Text as="span" variant="bodySm">
                  {product.title} · id <span style={MONO}>{product.id}</span> · {product.status.toLowerCase()} ·{" "}
                  {product.variants} variant{product.variants === 1 ? "" : "s"}
                </Text>
              </li>
            ))}
          </ul>
        )}
        <More shown={view.products.length} total={view.productCount} what="products" />
      </BlockStack>
    </Card>
  );
}

export default function LocalStore() {
  const { shop, view, error } = useLoaderData<typeof loader>();
  // Metafields change as tasks run: keep the page current while it is open.
  usePolling(5000, view !== null);
  return (
    <Page
      title="Local store"
      subtitle={`${shop} · the local development store that stands in for Shopify`}
      backAction={{ content: "Home", url: "/app" }}
    >
      <Layout>
        {error || !view ? (
          <Layout.Section>
            <Banner tone="critical" title="The local store did not answer">
              <p>{error}</p>
            </Banner>
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <Customers view={view} />
            </Layout.Section>
            <Layout.Section variant="oneThird">
              <BlockStack gap="400">
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingMd">
                      Open the store
                    </Text>
                    <Link url={view.adminUrl} target="_blank">
                      Store admin (orders, customers, webhooks, mail)
                    </Link>
                    <Link url={view.storefrontUrl} target="_blank">
                      Storefront preview (not logged in)
                    </Link>
                  </BlockStack>
                </Card>
                <Orders view={view} />
                <Products view={view} />
              </BlockStack>
            </Layout.Section>
          </>
        )}
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Page" backUrl="/app" backLabel="Home" />;
}
