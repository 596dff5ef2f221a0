// Events: every event of the shop, newest first, with filters in the URL (shareable; the back button
// walks through them), cursor paging, search, live updates on the first page, and "Retry failed" /
// "Cancel" for the selected events after a confirmation that says what will happen.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link as RemixLink, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Modal,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
  useIndexResourceState,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { authenticate } from "~/services/shopify/app.server";
import { eventListChoices, listEvents } from "~/services/admin/events-list.server";
import { boundedIds, cancelEvents, previewBulk, retryEvents } from "~/services/admin/event-bulk.server";
import { cancelConfirmation, retryConfirmation, type BulkPreview } from "~/domain/events/bulk-confirmation";
import {
  EVENT_SOURCE_LABELS,
  EVENT_SOURCES,
  parseEventListFilters,
  parsePageSize,
  type RawFilters,
} from "~/domain/events/list-filters";
import { EVENT_STATUSES } from "~/domain/runs/status";
import { statusLabel } from "~/domain/runs/display-status";
import { StatusBadge } from "../components/StatusBadge";
import { useActionToast, usePolling } from "../components/hooks";
import { RouteError } from "../components/RouteError";
import { absoluteTime, relativeTime } from "~/components/time";

/** How often the first page looks for new events (only while it is the first page and visible). */
export const EVENTS_POLL_INTERVAL_MS = 5000;

const FILTER_NAMES = ["topic", "status", "source", "webhook", "task", "since", "until", "q"] as const;

function rawFilters(params: URLSearchParams): RawFilters {
  const raw: RawFilters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) raw[name] = value;
  }
  return raw;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const raw = rawFilters(params);
  const parsed = parseEventListFilters(raw);
  const choices = await eventListChoices(session.shop);
  const limit = parsePageSize(params.get("limit"));
  const base = { now: new Date().toISOString(), raw, choices, limit };
  if (!parsed.ok) return { ...base, errors: parsed.errors, result: null, anyEvents: true };
  const result = await listEvents(session.shop, parsed.value, {
    before: params.get("before") ?? undefined,
    after: params.get("after") ?? undefined,
    limit,
  });
  const filtered = Object.keys(raw).length > 0;
  // Tells "no events at all" from "none match": only asked when the page is empty.
  const anyEvents =
    result.rows.length > 0 || filtered
      ? true
      : (await listEvents(session.shop, {}, { limit: 1 })).rows.length > 0 || Boolean(result.older);
  return { ...base, errors: [] as string[], result, anyEvents };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  let ids: string[] = [];
  try {
    const parsed: unknown = JSON.parse(String(form.get("ids") ?? "[]"));
    if (Array.isArray(parsed)) ids = boundedIds(parsed.filter((x): x is string => typeof x === "string"));
  } catch {
    throw new Response("ids must be a JSON array of event ids", { status: 400 });
  }
  if (intent === "preview") return { intent, preview: await previewBulk(session.shop, ids) };
  if (intent === "retry") {
    const done = await retryEvents(session.shop, ids);
    const count = done.actionRuns + done.taskRuns;
    return {
      intent,
      toast: done.events
        ? `Retrying ${count} failed run${count === 1 ? "" : "s"} in ${done.events} event${done.events === 1 ? "" : "s"}`
        : "Nothing to retry: no failed runs",
      toastError: done.events === 0,
    };
  }
  if (intent === "cancel") {
    const done = await cancelEvents(session.shop, ids);
    return {
      intent,
      toast: done.events
        ? `Cancelled ${done.events} event${done.events === 1 ? "" : "s"}${done.inFlight ? ` (${done.inFlight} action${done.inFlight === 1 ? "" : "s"} already in progress will finish)` : ""}`
        : "Nothing to cancel: nothing was waiting to run",
      toastError: done.events === 0,
    };
  }
  throw new Response(`Unknown action "${intent.slice(0, 40)}"`, { status: 400 });
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Filters({ raw, choices }: { raw: LoaderData["raw"]; choices: LoaderData["choices"] }) {
  // Controlled copies of the URL's values; the form submits them as a GET, so the URL is the state.
  const [values, setValues] = useState<Record<string, string>>(() => ({ ...raw }));
  useEffect(() => setValues({ ...raw }), [raw]);
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const value = (name: string) => values[name] ?? "";
  return (
    <Form method="get" data-testid="event-filters">
      <BlockStack gap="300">
        <InlineStack gap="300" wrap blockAlign="end">
          <div style={{ minWidth: 280, flex: 2 }}>
            <TextField
              label="Search"
              name="q"
              value={value("q")}
              onChange={set("q")}
              autoComplete="off"
              placeholder="Event id, request id, or text in the data"
              clearButton
              onClearButtonClick={() => set("q")("")}
            />
          </div>
          <div style={{ minWidth: 200, flex: 1 }}>
            <TextField
              label="Topic starts with"
              name="topic"
              value={value("topic")}
              onChange={set("topic")}
              autoComplete="off"
              placeholder="user/orders"
            />
          </div>
          <Select
            label="Status"
            name="status"
            value={value("status")}
            onChange={set("status")}
            options={[{ label: "Any", value: "" }, ...EVENT_STATUSES.map((s) => ({ label: statusLabel(s), value: s }))]}
          />
          <Select
            label="Source"
            name="source"
            value={value("source")}
            onChange={set("source")}
            options={[
              { label: "Any", value: "" },
              ...EVENT_SOURCES.map((s) => ({ label: EVENT_SOURCE_LABELS[s], value: s })),
            ]}
          />
        </InlineStack>
        <InlineStack gap="300" wrap blockAlign="end">
          <Select
            label="Webhook"
            name="webhook"
            value={value("webhook")}
            onChange={set("webhook")}
            options={[{ label: "Any", value: "" }, ...choices.webhooks.map((w) => ({ label: w.name, value: w.id }))]}
          />
          <Select
            label="Task"
            name="task"
            value={value("task")}
            onChange={set("task")}
            options={[{ label: "Any", value: "" }, ...choices.tasks.map((t) => ({ label: t.name, value: t.id }))]}
          />
          <TextField
            label="Since (UTC)"
            name="since"
            type="date"
            value={value("since").slice(0, 10)}
            onChange={set("since")}
            autoComplete="off"
          />
          <TextField
            label="Until (UTC)"
            name="until"
            type="date"
            value={value("until").slice(0, 10)}
            onChange={set("until")}
            autoComplete="off"
          />
          <Button submit variant="primary">
            Apply
          </Button>
          {Object.keys(raw).length > 0 && <Button url="/app/events">Clear filters</Button>}
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

function pageUrl(params: URLSearchParams, cursor: { before?: string; after?: string }): string {
  const next = new URLSearchParams(params);
  next.delete("before");
  next.delete("after");
  if (cursor.before) next.set("before", cursor.before);
  if (cursor.after) next.set("after", cursor.after);
  const query = next.toString();
  return query ? `/app/events?${query}` : "/app/events";
}

type BulkIntent = "retry" | "cancel";

function ConfirmBulk({
  intent,
  preview,
  selected,
  onClose,
  onConfirm,
}: {
  intent: BulkIntent;
  preview: BulkPreview | null;
  selected: number;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const counts = preview ? (intent === "retry" ? preview.retry : preview.cancel) : null;
  const nothing = counts !== null && counts.events === 0;
  const text = !preview
    ? "Counting…"
    : intent === "retry"
      ? retryConfirmation(preview.retry)
      : cancelConfirmation(preview.cancel);
  return (
    <Modal
      open
      onClose={onClose}
      title={
        intent === "retry"
          ? `Retry failed runs of ${selected} selected event${selected === 1 ? "" : "s"}?`
          : `Cancel ${selected} selected event${selected === 1 ? "" : "s"}?`
      }
      primaryAction={{
        content:
          intent === "retry"
            ? preview && preview.retry.actionRuns + preview.retry.taskRuns > 0
              ? `Retry ${preview.retry.actionRuns + preview.retry.taskRuns}`
              : "Retry"
            : "Cancel events",
        destructive: intent === "cancel" || (preview?.retry.shopifyActionRuns ?? 0) > 0,
        disabled: !preview || nothing,
        onAction: onConfirm,
      }}
      secondaryActions={[{ content: "Keep as is", onAction: onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="200">
          <div data-testid="bulk-confirmation">
            <Text as="p">{text}</Text>
          </div>
          {preview && preview.events < selected && (
            <Text as="p" tone="subdued">
              {selected - preview.events} selected event{selected - preview.events === 1 ? " is" : "s are"} no longer
              stored (deleted by retention).
            </Text>
          )}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

export default function Events() {
  const { now, raw, choices, errors, result, anyEvents } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const previewFetcher = useFetcher<typeof action>();
  const bulkFetcher = useFetcher<typeof action>();
  const [confirming, setConfirming] = useState<BulkIntent | null>(null);
  const rows = result?.rows ?? [];
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    rows.map((r) => ({ ...r })),
  );
  const firstPage = !searchParams.has("before") && !searchParams.has("after");
  usePolling(EVENTS_POLL_INTERVAL_MS, firstPage && confirming === null);
  useActionToast(bulkFetcher.data && "toast" in bulkFetcher.data ? bulkFetcher.data : undefined);
  useEffect(() => {
    if (bulkFetcher.state === "idle" && bulkFetcher.data) clearSelection();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per finished bulk action
  }, [bulkFetcher.state, bulkFetcher.data]);

  const selectedIds = allResourcesSelected ? rows.map((r) => r.id) : selectedResources;
  const ask = (intent: BulkIntent) => {
    setConfirming(intent);
    previewFetcher.submit({ intent: "preview", ids: JSON.stringify(selectedIds) }, { method: "post" });
  };
  const preview =
    previewFetcher.state === "idle" && previewFetcher.data && "preview" in previewFetcher.data
      ? previewFetcher.data.preview
      : null;
  const confirm = () => {
    if (!confirming) return;
    bulkFetcher.submit({ intent: confirming, ids: JSON.stringify(selectedIds) }, { method: "post" });
    setConfirming(null);
  };
  const nowMs = Date.parse(now);
  const filtered = Object.keys(raw).length > 0;
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/events";

  return (
    <Page
      title="Events"
      subtitle="Every event of your store, newest first"
      backAction={{ content: "Home", url: "/app" }}
      fullWidth
    >
      <BlockStack gap="400">
        <Card>
          <Filters raw={raw} choices={choices} />
        </Card>
        {errors.length > 0 && (
          <Banner tone="critical" title="These filters cannot be applied">
            <ul>
              {errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </Banner>
        )}
        {result?.matchedBy === "id" && (
          <Banner tone="info">
            <p>Showing the event whose id or request id is “{raw.q}” (other filters are not applied to an exact id).</p>
          </Banner>
        )}
        {result?.searchedUntil && (
          <Banner tone="info">
            <p>
              Searched the newest events down to {absoluteTime(result.searchedUntil)}
              {rows.length === 0 ? " without a match" : ""}. Use “Older” to search further back, or narrow the time
              range.
            </p>
          </Banner>
        )}
        {result && rows.length === 0 && !anyEvents ? (
          <Card>
            <BlockStack gap="300" inlineAlign="start">
              <Text as="h2" variant="headingMd">
                No events yet
              </Text>
              <Text as="p">
                Events appear here as soon as a webhook receives a request, Shopify sends a topic your tasks subscribe
                to, or a task emits an event. This page updates by itself.
              </Text>
              <Button url="/app/webhooks">Go to webhooks</Button>
            </BlockStack>
          </Card>
        ) : result ? (
          <Card padding="0">
            <Box padding="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="p" variant="bodySm" tone="subdued">
                  {firstPage
                    ? "New events appear at the top automatically."
                    : "Go to the newest page for live updates."}
                  {loading ? " Loading…" : ""}
                </Text>
                {!firstPage && (
                  <RemixLink to={pageUrl(searchParams, {})} data-testid="newest-page">
                    Newest
                  </RemixLink>
                )}
              </InlineStack>
            </Box>
            <IndexTable
              resourceName={{ singular: "event", plural: "events" }}
              itemCount={rows.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                { content: "Retry failed", onAction: () => ask("retry") },
                { content: "Cancel", onAction: () => ask("cancel") },
              ]}
              headings={[
                { title: "Event" },
                { title: "Data" },
                { title: "Source" },
                { title: "Status" },
                { title: "Received" },
              ]}
              emptyState={
                <Box padding="400">
                  <BlockStack gap="200" inlineAlign="start">
                    <Text as="p">{filtered ? "No events match these filters." : "No events on this page."}</Text>
                    {filtered && <Button url="/app/events">Clear filters</Button>}
                  </BlockStack>
                </Box>
              }
            >
              {rows.map((row, index) => (
                <IndexTable.Row
                  id={row.id}
                  key={row.id}
                  position={index}
                  selected={selectedResources.includes(row.id)}
                  tone={row.status === "failed" ? "critical" : undefined}
                >
                  <IndexTable.Cell>
                    <div data-testid="event-row" data-event-id={row.id}>
                      <BlockStack gap="050">
                        <RemixLink
                          to={`/app/events/${row.id}`}
                          onClick={(e) => e.stopPropagation()}
                          style={{ color: "#005bd3", fontWeight: 600, wordBreak: "break-all" }}
                        >
                          {row.topic}
                        </RemixLink>
                        {row.taskNames.length > 0 && (
                          <Text as="span" variant="bodySm" tone="subdued">
                            {row.taskNames.join(", ")}
                          </Text>
                        )}
                      </BlockStack>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <span
                      data-testid="event-summary"
                      style={{ fontFamily: "monospace", fontSize: 12, whiteSpace: "normal", wordBreak: "break-word" }}
                    >
                      {row.summary}
                    </span>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" variant="bodySm">
                      {row.sourceLabel}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100" blockAlign="center">
                      <StatusBadge status={row.status} />
                      {row.failedRuns > 0 && (
                        <Text as="span" variant="bodySm" tone="critical">
                          {row.failedRuns} failed
                        </Text>
                      )}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" variant="bodySm" tone="subdued">
                      <time dateTime={row.createdAt} title={absoluteTime(row.createdAt)}>
                        {relativeTime(row.createdAt, nowMs)}
                      </time>
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
            <Box padding="300">
              <InlineStack align="center">
                <Pagination
                  hasPrevious={Boolean(result.newer)}
                  previousTooltip="Newer events"
                  previousURL={result.newer ? pageUrl(searchParams, { after: result.newer }) : undefined}
                  hasNext={Boolean(result.older)}
                  nextTooltip="Older events"
                  nextURL={result.older ? pageUrl(searchParams, { before: result.older }) : undefined}
                  label={`${rows.length} event${rows.length === 1 ? "" : "s"}`}
                />
              </InlineStack>
            </Box>
          </Card>
        ) : null}
      </BlockStack>
      {confirming && (
        <ConfirmBulk
          intent={confirming}
          preview={preview ?? null}
          selected={selectedIds.length}
          onClose={() => setConfirming(null)}
          onConfirm={confirm}
        />
      )}
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Events" backUrl="/app" backLabel="Home" />;
}
