// Webhooks: every URL the shop handed out, with its topic, state and recent traffic.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Page, Text } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { authenticate } from "~/services/shopify/app.server";
import { listWebhooksWithCounts } from "~/services/admin/webhooks.server";
import { webhookUrl } from "~/data/webhooks.server";
import { unknownWebhookRequestsLastDay } from "~/data/unknown-webhooks.server";
import { UnknownRequests } from "../components/UnknownRequests";
import { copyText, useRedirectToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";
import { absoluteTime, relativeTime } from "~/components/time";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [webhooks, unknownRequests] = await Promise.all([
    listWebhooksWithCounts(session.shop),
    unknownWebhookRequestsLastDay(session.shop),
  ]);
  return {
    now: new Date().toISOString(),
    unknownRequests,
    webhooks: webhooks.map((w) => ({
      id: w.id,
      name: w.name,
      topic: w.topic,
      enabled: w.enabled,
      url: webhookUrl(w.id),
      lastReceivedAt: w.lastReceivedAt?.toISOString() ?? null,
      eventsLastDay: w.eventsLastDay,
    })),
  };
};

export default function Webhooks() {
  const { now, webhooks, unknownRequests } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  useRedirectToast({ deleted: "Webhook deleted" });
  const nowMs = Date.parse(now);
  return (
    <Page
      title="Webhooks"
      backAction={{ content: "Home", url: "/app" }}
      primaryAction={{ content: "Create webhook", url: "/app/webhooks/new" }}
    >
      {unknownRequests !== null && unknownRequests > 0 && (
        <Box paddingBlockEnd="400">
          <UnknownRequests count={unknownRequests} banner />
        </Box>
      )}
      {webhooks.length === 0 ? (
        <Card>
          <BlockStack gap="300" inlineAlign="start">
            <Text as="h2" variant="headingMd">
              No webhooks yet
            </Text>
            <Text as="p">
              A webhook is a URL you give to another service (a form, Zapier, Stripe…). Every POST to it becomes an
              event that your tasks can act on.
            </Text>
            <Button variant="primary" url="/app/webhooks/new">
              Create your first webhook
            </Button>
          </BlockStack>
        </Card>
      ) : (
        <Card padding="0">
          <ul aria-label="Webhooks" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {webhooks.map((webhook, index) => (
              <li
                key={webhook.id}
                style={{ borderTop: index === 0 ? undefined : "1px solid #ebebeb" }}
                data-testid="webhook-row"
              >
                <Box padding="400">
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
                      <InlineStack gap="200" blockAlign="center" wrap>
                        <RemixLink to={`/app/webhooks/${webhook.id}`} style={{ color: "#005bd3", fontWeight: 600 }}>
                          {webhook.name}
                        </RemixLink>
                        {webhook.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
                      </InlineStack>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {webhook.eventsLastDay} event{webhook.eventsLastDay === 1 ? "" : "s"} in 24 h ·{" "}
                        {webhook.lastReceivedAt ? (
                          <time dateTime={webhook.lastReceivedAt} title={absoluteTime(webhook.lastReceivedAt)}>
                            last {relativeTime(webhook.lastReceivedAt, nowMs)}
                          </time>
                        ) : (
                          "never received"
                        )}
                      </Text>
                    </InlineStack>
                    <Text as="p" variant="bodySm">
                      Topic: <code>{webhook.topic}</code>
                    </Text>
                    <InlineStack gap="200" blockAlign="center" wrap={false}>
                      <code
                        style={{
                          fontSize: 12,
                          overflow: "hidden",
                          textOverflow: "ellipsis",
                          whiteSpace: "nowrap",
                          minWidth: 0,
                          flex: 1,
                        }}
                        title={webhook.url}
                      >
                        {webhook.url}
                      </code>
                      <Button
                        size="slim"
                        accessibilityLabel={`Copy the URL of ${webhook.name}`}
                        onClick={async () => {
                          const ok = await copyText(webhook.url);
                          shopify.toast.show(ok ? "Webhook URL copied" : "Could not copy the URL", { isError: !ok });
                        }}
                      >
                        Copy URL
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Box>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Webhooks" backUrl="/app" backLabel="Home" />;
}
