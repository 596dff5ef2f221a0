// One event: its data, request facts, and every task run with its logs, actions and errors, and
// every action run with its request, result, duration and attempts. Retry failed runs or replay.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Divider, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import { childEvents, getEventDetail } from "~/services/admin/activity.server";
import { replayEvent, retryFailedRuns } from "~/services/admin/event-actions.server";
import { cancelEvents } from "~/services/admin/event-bulk.server";
import { useState } from "react";
import { ConfirmModal } from "../components/ConfirmModal";
import { rollUpStatus } from "~/domain/runs/display-status";
import { parseJsonOr } from "~/domain/json";
import { displayEntry, displayJson, displayNote, joinWithin, type JsonDisplay } from "~/domain/json-display";
import { absoluteTime, formatDuration, relativeTime } from "~/components/time";
import { StatusBadge } from "../components/StatusBadge";
import { CodeBlock } from "../components/CodeBlock";
import { usePolling, useActionToast, useRedirectToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";

const OPEN = new Set(["pending", "running"]);

function notFound(): never {
  throw new Response("Event not found", { status: 404 });
}

/** A block of stored JSON as the page shows it: bounded in size and depth (app/domain/json-display.ts). */
function shown(display: JsonDisplay) {
  return { text: display.text, note: displayNote(display), shortened: display.truncated || display.flattened };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const event = await getEventDetail(session.shop, params.id ?? "");
  if (!event) notFound();
  const [children, parent] = await Promise.all([
    childEvents(session.shop, event.id),
    event.parentId ? getEventDetail(session.shop, event.parentId) : Promise.resolve(null),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const taskRuns = event.taskRuns.map((run) => ({
    id: run.id,
    status: run.status,
    taskId: run.task.id,
    taskName: run.task.name,
    taskVersion: run.taskVersion,
    attempts: run.attempts,
    runAt: iso(run.runAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    actions: parseJsonOr<unknown[]>(run.actions, []),
    logs: shown(joinWithin(parseJsonOr<unknown[]>(run.logs, []).map((entry) => displayEntry(entry)))),
    errors: parseJsonOr<unknown[]>(run.errors, [])
      .slice(0, 20)
      .map((entry) => displayEntry(entry, 10_000)),
    errorCount: parseJsonOr<unknown[]>(run.errors, []).length,
    actionsText: run.actions ? shown(displayJson(run.actions)) : null,
    actionRuns: run.actionRuns.map((a) => ({
      id: a.id,
      position: a.position,
      type: a.type,
      status: a.status,
      options: shown(displayJson(a.options)),
      result: a.result === null ? null : shown(displayJson(a.result)),
      error: a.error,
      attempts: a.attempts,
      nextAttemptAt: iso(a.nextAttemptAt),
      durationMs: a.durationMs,
      startedAt: iso(a.startedAt),
      finishedAt: iso(a.finishedAt),
    })),
  }));
  // Wait-mode webhooks: the response a task sent to the caller (the delivered respond action run).
  const delivered = event.taskRuns
    .flatMap((run) => run.actionRuns)
    .map((a) => (a.type === "respond" && a.result ? parseJsonOr<Record<string, unknown>>(a.result, {}) : null))
    .find((result) => result?.delivered === true);
  const responseSent = delivered
    ? shown(
        displayJson(
          JSON.stringify({ status: delivered.status, headers: delivered.headers, body: delivered.body }, null, 2),
        ),
      )
    : null;
  const runStatuses = taskRuns.flatMap((run) => [run.status, ...run.actionRuns.map((a) => a.status)]);
  return {
    now: new Date().toISOString(),
    event: {
      id: event.id,
      topic: event.topic,
      data: shown(displayJson(event.data)),
      source: event.source,
      status: event.status,
      rolledUp: rollUpStatus(event.status, runStatuses),
      error: event.error,
      depth: event.depth,
      requestId: event.requestId,
      waited: event.responseWaitUntil !== null,
      responseStatus: event.responseStatus,
      responseMs: event.responseMs,
      responseSent,
      contentType: event.contentType,
      bodySize: event.bodySize,
      userAgent: event.userAgent,
      ipHash: event.ipHash,
      runAt: iso(event.runAt),
      createdAt: event.createdAt.toISOString(),
      startedAt: iso(event.startedAt),
      finishedAt: iso(event.finishedAt),
      webhook: event.webhook
        ? { id: event.webhook.id, name: event.webhook.name, deleted: event.webhook.deletedAt !== null }
        : null,
    },
    parent: parent ? { id: parent.id, topic: parent.topic } : null,
    children: children.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    taskRuns,
    hasFailures: runStatuses.includes("failed"),
    // A replay runs the subscribed tasks again: it asks first when this event's runs wrote to Shopify.
    shopifyWrites: taskRuns.reduce((n, run) => n + run.actionRuns.filter((a) => a.type === "shopify").length, 0),
    cancellable: runStatuses.some((s) => s === "pending" || s === "running") || event.status === "pending",
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = params.id ?? "";
  if (intent === "replay") {
    const replay = await replayEvent(session.shop, id);
    if (!replay) notFound();
    return redirect(`/app/events/${replay.id}?replayed=1`);
  }
  if (intent === "cancel") {
    const cancelled = await cancelEvents(session.shop, [id]);
    return cancelled.events
      ? {
          ok: true,
          toast: `Cancelled ${cancelled.taskRuns + cancelled.actionRuns || 1} waiting run${cancelled.taskRuns + cancelled.actionRuns === 1 ? "" : "s"}`,
        }
      : { ok: false, toast: "Nothing to cancel: nothing was waiting to run", toastError: true };
  }
  if (intent === "retry") {
    const retried = await retryFailedRuns(session.shop, id);
    if (retried === null) notFound();
    if (retried.requeued) return { ok: true, toast: "The event had not run yet: it was queued again" };
    return retried.count > 0
      ? { ok: true, toast: `Retrying ${retried.count} failed run${retried.count === 1 ? "" : "s"}` }
      : { ok: false, toast: "Nothing to retry: no failed runs", toastError: true };
  }
  throw new Response(`Unknown action "${intent.slice(0, 40)}"`, { status: 400 });
};

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="dt" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <dd style={{ margin: 0, wordBreak: "break-all" }}>
        <Text as="span" variant="bodyMd">
          {children}
        </Text>
      </dd>
    </BlockStack>
  );
}

/** Where "Download raw JSON" fetches a block's whole stored text. */
function rawLink(eventId: string, part: string, ids: { run?: string; action?: string } = {}, name = part) {
  const query = new URLSearchParams({ part, ...ids });
  return { href: `/app/events/${eventId}/raw?${query.toString()}`, filename: `${name}.json` };
}

function TaskRunCard({ run, eventId }: { run: Loaded["taskRuns"][number]; eventId: string }) {
  const duration = run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingMd">
              <RemixLink to={`/app/tasks/${run.taskId}`} style={{ color: "#005bd3" }}>
                {run.taskName}
              </RemixLink>
            </Text>
            <StatusBadge status={run.status} />
          </InlineStack>
          <Text as="span" variant="bodySm" tone="subdued">
            Task run · version {run.taskVersion} · {run.attempts} attempt{run.attempts === 1 ? "" : "s"}
            {duration !== null ? ` · ${formatDuration(duration)}` : ""}
          </Text>
        </InlineStack>
        {run.errorCount > 0 && (
          <Banner
            tone="critical"
            title={`${run.errorCount} error${run.errorCount === 1 ? "" : "s"}: no actions were performed`}
          >
            <BlockStack gap="100">
              {run.errors.map((error, i) => (
                <pre key={i} style={{ margin: 0, whiteSpace: "pre-wrap", font: "12px/1.4 monospace" }}>
                  {error}
                </pre>
              ))}
              {run.errorCount > run.errors.length && (
                <Text as="p" variant="bodySm">
                  {`…and ${run.errorCount - run.errors.length} more not shown.`}
                </Text>
              )}
            </BlockStack>
          </Banner>
        )}
        {run.logs.text !== "" && (
          <CodeBlock
            label="Logs"
            code={run.logs.text}
            note={run.logs.note}
            raw={run.logs.shortened ? rawLink(eventId, "logs", { run: run.id }, `task-run-${run.id}-logs`) : null}
          />
        )}
        {run.actionsText && (
          <CodeBlock
            label="Rendered actions"
            code={run.actionsText.text}
            note={run.actionsText.note}
            raw={
              run.actionsText.shortened
                ? rawLink(eventId, "actions", { run: run.id }, `task-run-${run.id}-actions`)
                : null
            }
            copyable
          />
        )}
        {run.actionRuns.length === 0 && run.status === "succeeded" && (
          <Text as="p" tone="subdued">
            The task ran and rendered no actions.
          </Text>
        )}
        {run.actionRuns.map((a) => (
          <Box key={a.id} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h4" variant="headingSm">
                    Action {a.position + 1}: {a.type}
                  </Text>
                  <StatusBadge status={a.status} />
                </InlineStack>
                <Text as="span" variant="bodySm" tone="subdued">
                  {a.attempts} attempt{a.attempts === 1 ? "" : "s"} · {formatDuration(a.durationMs)}
                  {a.nextAttemptAt ? ` · next attempt ${absoluteTime(a.nextAttemptAt)}` : ""}
                </Text>
              </InlineStack>
              {a.error && (
                <Banner tone={a.status === "failed" ? "critical" : "warning"}>
                  <p style={{ wordBreak: "break-word" }}>{a.error}</p>
                </Banner>
              )}
              <CodeBlock
                label="Request (options)"
                code={a.options.text}
                note={a.options.note}
                raw={
                  a.options.shortened
                    ? rawLink(eventId, "options", { action: a.id }, `action-run-${a.id}-options`)
                    : null
                }
                copyable
                maxHeight={260}
              />
              {a.result !== null && (
                <CodeBlock
                  label="Result"
                  code={a.result.text}
                  note={a.result.note}
                  raw={
                    a.result.shortened
                      ? rawLink(eventId, "result", { action: a.id }, `action-run-${a.id}-result`)
                      : null
                  }
                  copyable
                  maxHeight={260}
                  testId={`action-result-${a.type}`}
                />
              )}
            </BlockStack>
          </Box>
        ))}
      </BlockStack>
    </Card>
  );
}

export default function EventDetail() {
  const { event, taskRuns, parent, children, hasFailures, now, shopifyWrites, cancellable } =
    useLoaderData<typeof loader>();
  const [confirmReplay, setConfirmReplay] = useState(false);
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const busy = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";
  const open = OPEN.has(event.status) || event.rolledUp === "running" || event.rolledUp === "pending";
  usePolling(2000, open);
  useActionToast(actionData);
  useRedirectToast({ replayed: "Event replayed: this is the new event" });
  const nowMs = Date.parse(now);
  const retryAction = {
    content: "Retry failed",
    onAction: () => submit({ intent: "retry" }, { method: "post" }),
    loading: busy === "retry",
  };
  const replay = () => submit({ intent: "replay" }, { method: "post" });
  const replayAction = {
    content: "Replay event",
    onAction: () => (shopifyWrites > 0 ? setConfirmReplay(true) : replay()),
    loading: busy === "replay",
  };
  const cancelAction = {
    content: "Cancel waiting runs",
    destructive: true,
    onAction: () => submit({ intent: "cancel" }, { method: "post" }),
    loading: busy === "cancel",
  };

  return (
    <Page
      title={event.topic}
      titleMetadata={<StatusBadge status={event.rolledUp} />}
      subtitle={`Received ${relativeTime(event.createdAt, nowMs)} · ${absoluteTime(event.createdAt)}`}
      backAction={{ content: "Events", url: "/app/events" }}
      // The primary action stays visible on narrow screens: Retry when something failed, else Replay.
      primaryAction={hasFailures ? retryAction : replayAction}
      secondaryActions={[...(hasFailures ? [replayAction] : []), ...(cancellable ? [cancelAction] : [])]}
    >
      <ConfirmModal
        open={confirmReplay}
        title="Replay this event and write to Shopify again?"
        body={`Replaying creates a new event with the same data and runs every subscribed task again. This event's runs performed ${shopifyWrites} Shopify write${shopifyWrites === 1 ? "" : "s"} (Admin API calls); the replay will most likely perform ${shopifyWrites === 1 ? "it" : "them"} again and change the store again.`}
        confirmLabel="Replay and write again"
        onConfirm={() => {
          setConfirmReplay(false);
          replay();
        }}
        onClose={() => setConfirmReplay(false)}
      />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {event.error && (
              <Banner tone="critical" title="This event had failures">
                <p>{event.error}</p>
              </Banner>
            )}
            <Card>
              <CodeBlock
                label="Event data"
                code={event.data.text || "null"}
                note={event.data.note}
                raw={rawLink(event.id, "data", {}, `event-${event.id}-data`)}
                copyable
                testId="event-data"
              />
            </Card>
            <BlockStack gap="200">
              <Box paddingInline={{ xs: "400", sm: "0" }}>
                <Text as="h2" variant="headingLg">
                  Task runs
                </Text>
              </Box>
              {taskRuns.length === 0 ? (
                <Card>
                  {open ? (
                    <Text as="p" tone="subdued">
                      Waiting for the worker to pick this event up…
                    </Text>
                  ) : (
                    <BlockStack gap="200" inlineAlign="start">
                      <Text as="p">
                        No enabled task subscribes to <code>{event.topic}</code>, so nothing ran.
                      </Text>
                      <Button url={`/app/tasks/new?template=echo&topic=${encodeURIComponent(event.topic)}`}>
                        Create a task for this topic
                      </Button>
                    </BlockStack>
                  )}
                </Card>
              ) : (
                taskRuns.map((run) => <TaskRunCard key={run.id} run={run} eventId={event.id} />)
              )}
            </BlockStack>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Request
              </Text>
              <dl style={{ margin: 0, display: "grid", gap: 12 }}>
                <Fact label="Source">
                  {event.webhook ? (
                    event.webhook.deleted ? (
                      `Webhook “${event.webhook.name}” (deleted)`
                    ) : (
                      <RemixLink to={`/app/webhooks/${event.webhook.id}`}>Webhook “{event.webhook.name}”</RemixLink>
                    )
                  ) : (
                    event.source
                  )}
                </Fact>
                {parent && (
                  <Fact label="Parent event">
                    <RemixLink to={`/app/events/${parent.id}`}>{parent.topic}</RemixLink>
                  </Fact>
                )}
                <Fact label="Event id">
                  <code>{event.id}</code>
                </Fact>
                {event.requestId && (
                  <Fact label="Request id (X-Request-Id)">
                    <code>{event.requestId}</code>
                  </Fact>
                )}
                {(event.waited || event.responseStatus !== null) && (
                  <Fact label="Answered the caller">
                    <span data-testid="event-response">
                      {event.responseStatus !== null
                        ? `${event.responseStatus}${event.responseMs !== null ? ` after ${formatDuration(event.responseMs)}` : ""}${
                            event.responseStatus === 202
                              ? " (no response in time; the event ran on)"
                              : event.responseStatus === 502
                                ? " (a task run failed first)"
                                : ""
                          }`
                        : "waiting for a task's response"}
                    </span>
                  </Fact>
                )}
                {event.contentType && <Fact label="Content type">{event.contentType}</Fact>}
                {event.bodySize !== null && (
                  <Fact label="Body size">{event.bodySize.toLocaleString("en-US")} bytes</Fact>
                )}
                {event.userAgent && <Fact label="User agent">{event.userAgent}</Fact>}
                {event.ipHash && (
                  <Fact label="Source IP (hashed)">
                    <code>{event.ipHash.slice(0, 16)}</code>
                  </Fact>
                )}
                <Fact label="Event status">{event.status}</Fact>
                {event.runAt && <Fact label="Scheduled for">{absoluteTime(event.runAt)}</Fact>}
                {event.startedAt && <Fact label="Started">{absoluteTime(event.startedAt)}</Fact>}
                {event.finishedAt && <Fact label="Finished">{absoluteTime(event.finishedAt)}</Fact>}
              </dl>
              {event.responseSent && (
                <CodeBlock
                  label="Response sent (respond action)"
                  code={event.responseSent.text}
                  maxHeight={240}
                  testId="event-response-sent"
                />
              )}
              {children.length > 0 && (
                <>
                  <Divider />
                  <Text as="h3" variant="headingSm">
                    Events it created
                  </Text>
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {children.map((child) => (
                      <li key={child.id}>
                        <RemixLink to={`/app/events/${child.id}`}>{child.topic}</RemixLink> ({child.status})
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Event" backUrl="/app" backLabel="Home" />;
}
