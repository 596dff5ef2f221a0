import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import prisma from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const [webhooks, tasks, eventsLastDay] = await Promise.all([
    prisma.webhook.count({ where: { shop: session.shop, deletedAt: null } }),
    prisma.task.count({ where: { shop: session.shop } }),
    prisma.event.count({ where: { shop: session.shop, createdAt: { gte: since } } }),
  ]);
  return { shop: session.shop, webhooks, tasks, eventsLastDay };
};

export default function Home() {
  const { shop, webhooks, tasks, eventsLastDay } = useLoaderData<typeof loader>();
  return (
    <Page title="Hookline">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Recent activity
              </Text>
              <Text as="p" tone="subdued">
                {shop}: {webhooks} webhooks, {tasks} tasks, {eventsLastDay} events in the last 24 hours
              </Text>
              {eventsLastDay === 0 && (
                <EmptyState heading="Nothing has happened yet" image="">
                  <p>Create a webhook, add a task subscribed to its topic, then send it a request.</p>
                </EmptyState>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
