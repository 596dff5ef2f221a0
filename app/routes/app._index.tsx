// Home: recent activity (live), counts for the last 24 hours, and the three getting-started steps.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import { lastDayCounts, recentActivity, setupProgress } from "~/services/admin/activity.server";
import { StatusBadge } from "../components/StatusBadge";
import { usePolling } from "../components/hooks";
import { RouteError } from "../components/RouteError";
import { absoluteTime, relativeTime } from "~/components/time";

export const POLL_INTERVAL_MS = 3000;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [activity, counts, progress] = await Promise.all([
    recentActivity(session.shop, 25),
    lastDayCounts(session.shop),
    setupProgress(session.shop),
  ]);
  return { now: new Date().toISOString(), activity, counts, progress };
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Step({
  number,
  done,
  title,
  children,
}: {
  number: number;
  done: boolean;
  title: string;
  children: React.ReactNode;
}) {
  return (
    <Box padding="300" borderWidth="025" borderColor="border" borderRadius="200">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {number}. {title}
          </Text>
          {done ? <Badge tone="success">Done</Badge> : <Badge>To do</Badge>}
        </InlineStack>
        {children}
      </BlockStack>
    </Box>
  );
}

function GettingStarted({ progress }: { progress: LoaderData["progress"] }) {
  const { steps, webhook, subscribedTask, succeededEventId } = progress;
  const webhookUrl = webhook ? `/app/webhooks/${webhook.id}` : "/app/webhooks/new";
  const topicParam = webhook ? `&topic=${encodeURIComponent(webhook.topic)}` : "";
  const done = [steps.webhook, steps.task, steps.run].filter(Boolean).length;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Get started in three steps
          </Text>
          <Text as="span" variant="bodySm" tone="subdued">
            <span data-testid="setup-progress">{done} of 3 done</span>
          </Text>
        </InlineStack>
        <Text as="p" tone="subdued">
          A webhook turns requests from another service into events. A task subscribed to the webhook's topic runs on
          each event and performs actions.
        </Text>
        <Step number={1} done={steps.webhook} title="Create a webhook">
          <Text as="p">Name it after the service that will send data, and pick a topic like user/webhook/test.</Text>
          <InlineStack>
            <Button url={webhookUrl} variant={steps.webhook ? "secondary" : "primary"}>
              {steps.webhook ? `Open “${webhook?.name ?? "your webhook"}”` : "Create a webhook"}
            </Button>
          </InlineStack>
        </Step>
        <Step number={2} done={steps.task} title="Create a task that subscribes to its topic">
          <Text as="p">
            {steps.task && subscribedTask && webhook
              ? `“${subscribedTask.name}” runs on ${webhook.topic}.`
              : webhook
                ? `No task subscribes to ${webhook.topic} yet. Start from the Echo template: it records whatever the webhook received.`
                : "Start from the Echo template: it records whatever the webhook received."}
          </Text>
          <InlineStack>
            {steps.task && subscribedTask ? (
              <Button url={`/app/tasks/${subscribedTask.id}`}>Open the task</Button>
            ) : (
              <Button
                url={`/app/tasks/new?template=echo${topicParam}`}
                variant={steps.webhook ? "primary" : "secondary"}
              >
                Start from the Echo template
              </Button>
            )}
          </InlineStack>
        </Step>
        <Step number={3} done={steps.run} title="Send a request and see a task run succeed">
          <Text as="p">
            Post anything to the webhook's URL (curl, fetch, a form), or use “Send test event” on the webhook page. The
            event appears below within seconds, with the task's run.
          </Text>
          <InlineStack gap="200">
            {steps.run && succeededEventId ? (
              <Button url={`/app/events/${succeededEventId}`}>See the run</Button>
            ) : (
              steps.webhook && (
                <Button url={webhookUrl} variant={steps.task ? "primary" : "secondary"}>
                  Send a test event
                </Button>
              )
            )}
          </InlineStack>
        </Step>
      </BlockStack>
    </Card>
  );
}

function Counts({ counts }: { counts: LoaderData["counts"] }) {
  const items: [string, number, "critical" | undefined][] = [
    ["Events", counts.events, undefined],
    ["Task runs succeeded", counts.taskRunsSucceeded, undefined],
    ["Task runs failed", counts.taskRunsFailed, counts.taskRunsFailed > 0 ? "critical" : undefined],
    ["Actions performed", counts.actionRuns, undefined],
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Last 24 hours
        </Text>
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          {items.map(([label, value, tone]) => (
            <BlockStack gap="050" key={label}>
              <Text as="p" variant="bodySm" tone="subdued">
                {label}
              </Text>
              <Text as="p" variant="headingLg" tone={tone} data-testid={`count-${label}`}>
                {value}
              </Text>
            </BlockStack>
          ))}
        </InlineGrid>
      </BlockStack>
    </Card>
  );
}

function Activity({ activity, now }: { activity: LoaderData["activity"]; now: string }) {
  const nowMs = Date.parse(now);
  return (
    <Card padding="0">
      <Box padding="400" paddingBlockEnd="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Recent activity
          </Text>
          <InlineStack gap="300" blockAlign="center">
            <Text as="span" variant="bodySm" tone="subdued">
              Updates automatically
            </Text>
            <RemixLink to="/app/events">All events</RemixLink>
          </InlineStack>
        </InlineStack>
      </Box>
      {activity.length === 0 ? (
        <Box padding="400" paddingBlockStart="0">
          <Text as="p" tone="subdued">
            No events yet. When a webhook receives a request, it shows up here.
          </Text>
        </Box>
      ) : (
        <ul aria-label="Recent events" style={{ listStyle: "none", margin: 0, padding: 0 }} data-testid="activity-list">
          {activity.map((item) => (
            <li key={item.id} style={{ borderTop: "1px solid #ebebeb" }} data-testid="activity-item">
              <Box padding="300" paddingInline="400">
                <InlineStack align="space-between" blockAlign="start" gap="200" wrap>
                  <BlockStack gap="100">
                    <RemixLink
                      to={`/app/events/${item.id}`}
                      style={{ color: "#005bd3", fontWeight: 600, wordBreak: "break-all" }}
                    >
                      {item.topic}
                    </RemixLink>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {item.sourceLabel}
                      {item.taskRunCount === 0
                        ? item.status === "succeeded"
                          ? " · no task subscribed to this topic"
                          : ""
                        : ` · ${item.taskNames.join(", ")}`}
                    </Text>
                  </BlockStack>
                  <InlineStack gap="200" blockAlign="center">
                    <StatusBadge status={item.status} />
                    <Text as="span" variant="bodySm" tone="subdued">
                      <time dateTime={item.createdAt} title={absoluteTime(item.createdAt)}>
                        {relativeTime(item.createdAt, nowMs)}
                      </time>
                    </Text>
                  </InlineStack>
                </InlineStack>
              </Box>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export default function Home() {
  const { now, activity, counts, progress } = useLoaderData<typeof loader>();
  usePolling(POLL_INTERVAL_MS);
  // The checklist stays until every step is done, not merely until a first event arrives.
  const isNew = !progress.complete;
  return (
    <Page title="Hookline">
      <Layout>
        {isNew && (
          <Layout.Section>
            <GettingStarted progress={progress} />
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <Activity activity={activity} now={now} />
            <Counts counts={counts} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Manage
              </Text>
              <RemixLink to="/app/events">Events</RemixLink>
              <RemixLink to="/app/webhooks">Webhooks ({progress.webhooks})</RemixLink>
              <RemixLink to="/app/tasks">Tasks ({progress.tasks})</RemixLink>
              <RemixLink to="/app/settings">Settings</RemixLink>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Page" backUrl="/app" backLabel="Home" />;
}
