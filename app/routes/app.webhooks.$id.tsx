// One webhook: its URL, ready-to-paste examples, "Send test event", settings, recent events,
// regenerate URL, enable/disable and delete.
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link as RemixLink, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import {
  deleteWebhook,
  effectiveRateLimit,
  finishSecretRotation,
  getWebhook,
  regenerateWebhookId,
  rotateSigningSecret,
  setWebhookEnabled,
  updateWebhook,
  WebhookInputError,
  WebhookNotFoundError,
} from "~/data/webhooks.server";
import { latestReceipt, recentEventsOfWebhook } from "~/services/admin/webhooks.server";
import { unknownWebhookRequestsLastDay } from "~/data/unknown-webhooks.server";
import { UnknownRequests } from "../components/UnknownRequests";
import { readSettings } from "~/services/admin/settings.server";
import { sendTestEvent, type TestEventResult } from "~/services/admin/test-event.server";
import { parseWebhookForm, type WebhookFormErrors } from "~/domain/webhooks/webhook-form";
import { webhookExamples } from "~/domain/webhooks/examples";
import { absoluteTime, relativeTime } from "~/components/time";
import { CopyField } from "../components/CopyField";
import { CodeBlock } from "../components/CodeBlock";
import { ConfirmModal } from "../components/ConfirmModal";
import { StatusBadge } from "../components/StatusBadge";
import {
  WebhookFields,
  formStateFromFields,
  useWebhookFormState,
  type WebhookFormState,
} from "../components/WebhookForm";
import { useActionToast, usePolling, useRedirectToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";

function notFound(): never {
  throw new Response("Webhook not found", { status: 404 });
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const webhook = await getWebhook(session.shop, params.id ?? "");
  if (!webhook) notFound();
  const [events, settings, unknownRequests] = await Promise.all([
    recentEventsOfWebhook(session.shop, webhook.id, 10),
    readSettings(session.shop),
    unknownWebhookRequestsLastDay(session.shop),
  ]);
  return {
    now: new Date().toISOString(),
    shopDefaultRate: effectiveRateLimit(null, settings.rateLimitPerMinute),
    unknownRequests,
    webhook: {
      id: webhook.id,
      name: webhook.name,
      topic: webhook.topic,
      url: webhook.url,
      enabled: webhook.enabled,
      dataMode: webhook.dataMode,
      corsMode: webhook.corsMode,
      signatureMode: webhook.signatureMode,
      signatureSecret: webhook.signatureSecret,
      signatureSecretOld: webhook.signatureSecretOld,
      signatureHeader: webhook.signatureHeader,
      signatureEncoding: webhook.signatureEncoding,
      dedupeEnabled: webhook.dedupeEnabled,
      dedupeHeader: webhook.dedupeHeader,
      rateLimitPerMinute: webhook.rateLimitPerMinute,
      responseMode: webhook.responseMode,
      responseTimeoutSeconds: webhook.responseTimeoutSeconds,
      lastReceivedAt: latestReceipt(webhook.lastReceivedAt, events[0]?.createdAt ?? null)?.toISOString() ?? null,
      createdAt: webhook.createdAt.toISOString(),
    },
    events: events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  };
};

type ActionResult =
  | {
      intent: "update";
      ok: false;
      errors: WebhookFormErrors;
      fields: Record<string, string>;
      toast: string;
      toastError: true;
    }
  | { intent: string; ok: true; toast: string; test?: TestEventResult }
  | {
      intent: string;
      ok: false;
      toast: string;
      toastError: true;
      test?: TestEventResult;
      errors?: undefined;
      fields?: undefined;
    };

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ActionResult | Response> => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    switch (intent) {
      case "update": {
        const fields = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === "string" ? v : ""]));
        const parsed = parseWebhookForm(form);
        const failed = (errors: WebhookFormErrors): ActionResult => ({
          intent,
          ok: false,
          errors,
          fields,
          toast: "Not saved: fix the highlighted fields",
          toastError: true,
        });
        if (!parsed.ok) return failed(parsed.errors);
        try {
          await updateWebhook(shop, id, parsed.values);
        } catch (error) {
          if (error instanceof WebhookInputError) return failed(error.fieldErrors as WebhookFormErrors);
          throw error;
        }
        return { intent, ok: true, toast: "Webhook saved" };
      }
      case "test": {
        const result = await sendTestEvent(shop, id);
        if (!result) notFound();
        return result.eventId
          ? { intent, ok: true, toast: "Test event sent", test: result }
          : { intent, ok: false, toast: result.message, toastError: true, test: result };
      }
      case "enable":
      case "disable":
        await setWebhookEnabled(shop, id, intent === "enable");
        return { intent, ok: true, toast: intent === "enable" ? "Webhook enabled" : "Webhook disabled" };
      case "regenerate": {
        const webhook = await regenerateWebhookId(shop, id);
        return redirect(`/app/webhooks/${webhook.id}?regenerated=1`);
      }
      case "rotate-secret":
        await rotateSigningSecret(shop, id);
        return {
          intent,
          ok: true,
          toast: "New secret generated; the previous one stays valid until you finish the rotation",
        };
      case "finish-rotation":
        await finishSecretRotation(shop, id);
        return { intent, ok: true, toast: "Rotation finished; only the current secret is valid" };
      case "delete":
        await deleteWebhook(shop, id);
        return redirect("/app/webhooks?deleted=1");
      default:
        throw new Response(`Unknown action "${intent.slice(0, 40)}"`, { status: 400 });
    }
  } catch (error) {
    if (error instanceof WebhookNotFoundError) notFound();
    if (error instanceof WebhookInputError) return { intent, ok: false, toast: error.message, toastError: true };
    throw error;
  }
};

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function stateFromWebhook(w: Loaded["webhook"]): WebhookFormState {
  return {
    name: w.name,
    topic: w.topic,
    dataMode: w.dataMode,
    corsMode: w.corsMode,
    signatureMode: w.signatureMode,
    signatureHeader: w.signatureHeader ?? "",
    signatureEncoding: w.signatureEncoding,
    signatureSecret: "",
    dedupeEnabled: w.dedupeEnabled,
    dedupeHeader: w.dedupeHeader ?? "",
    rateLimitPerMinute: w.rateLimitPerMinute === null ? "" : String(w.rateLimitPerMinute),
    responseMode: w.responseMode,
    responseTimeoutSeconds: String(w.responseTimeoutSeconds),
  };
}

function TestResult({ test }: { test: TestEventResult }) {
  if (test.eventId) {
    return (
      <Banner tone="success" title="Test event received">
        <BlockStack gap="100">
          <p>
            The webhook answered {test.status} (request id <code>{test.requestId}</code>).
          </p>
          <p>
            <RemixLink to={`/app/events/${test.eventId}`} data-testid="test-event-link">
              View the event and its task runs
            </RemixLink>
          </p>
        </BlockStack>
      </Banner>
    );
  }
  return (
    <Banner tone="critical" title="The test event was not created">
      <p>{test.message}</p>
    </Banner>
  );
}

export default function WebhookDetail() {
  const { webhook, events, now, shopDefaultRate, unknownRequests } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [confirm, setConfirm] = useState<null | "delete" | "regenerate">(null);
  const [state, setState] = useWebhookFormState(stateFromWebhook(webhook));
  const busyIntent = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";

  useActionToast(actionData && "toast" in actionData ? actionData : null);
  // Recent events and "last received" follow new requests while the page is open.
  usePolling(5000);
  // Keep the merchant's input after a failed save; take the saved values after a good one.
  useEffect(() => {
    if (actionData && actionData.intent === "update") {
      if (!actionData.ok && actionData.fields) setState(() => formStateFromFields(actionData.fields!));
    }
  }, [actionData, setState]);
  useEffect(() => {
    setState(() => stateFromWebhook(webhook));
    // Only when the saved webhook changes (after a save or a regenerate), not on each poll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [
    webhook.id,
    webhook.name,
    webhook.topic,
    webhook.dataMode,
    webhook.corsMode,
    webhook.signatureMode,
    webhook.dedupeEnabled,
    webhook.rateLimitPerMinute,
    webhook.responseMode,
    webhook.responseTimeoutSeconds,
  ]);
  useRedirectToast({ created: "Webhook created", regenerated: "New URL generated; the old URL no longer works" });

  const post = (intent: string) => submit({ intent }, { method: "post" });
  const test = actionData && "test" in actionData ? actionData.test : undefined;
  const updateErrors =
    actionData && actionData.intent === "update" && !actionData.ok && actionData.errors ? actionData.errors : {};
  const nowMs = Date.parse(now);

  return (
    <Page
      title={webhook.name}
      titleMetadata={webhook.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
      subtitle={`Topic ${webhook.topic}`}
      backAction={{ content: "Webhooks", url: "/app/webhooks" }}
      primaryAction={{
        content: "Send test event",
        onAction: () => post("test"),
        loading: busyIntent === "test",
        disabled: !webhook.enabled,
      }}
      secondaryActions={[
        webhook.enabled
          ? { content: "Disable", onAction: () => post("disable"), loading: busyIntent === "disable" }
          : { content: "Enable", onAction: () => post("enable"), loading: busyIntent === "enable" },
        { content: "Regenerate URL", onAction: () => setConfirm("regenerate") },
        { content: "Delete", destructive: true, onAction: () => setConfirm("delete") },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {test && <TestResult test={test} />}
            {!webhook.enabled && (
              <Banner tone="warning" title="This webhook is disabled">
                <p>Requests to its URL still get 204 but create no events. Enable it to receive events again.</p>
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <CopyField label="Webhook URL" value={webhook.url} copiedMessage="Webhook URL copied" />
                <Text as="p" tone="subdued">
                  Give this URL to the service that sends data. Every POST becomes a <code>{webhook.topic}</code> event
                  and gets{" "}
                  {webhook.responseMode === "wait"
                    ? `the first response of a task's "respond" action (202 after ${webhook.responseTimeoutSeconds} s without one)`
                    : "a 204 response"}{" "}
                  with an X-Request-Id header. Keep it secret: anyone with the URL can send events.
                </Text>
                <InlineStack gap="400" wrap>
                  <Text as="span" variant="bodySm">
                    Data: <strong>{webhook.dataMode === "full" ? "full request" : "auto"}</strong>
                  </Text>
                  <Text as="span" variant="bodySm">
                    CORS:{" "}
                    <strong>
                      {webhook.corsMode === "restricted" ? "restricted to your store's origins" : "any origin"}
                    </strong>
                  </Text>
                  <Text as="span" variant="bodySm">
                    Signature:{" "}
                    <strong>
                      {webhook.signatureMode === "none"
                        ? "not checked"
                        : webhook.signatureMode === "standard"
                          ? "Standard Webhooks"
                          : "HMAC header"}
                    </strong>
                  </Text>
                  <Text as="span" variant="bodySm">
                    Response:{" "}
                    <strong data-testid="webhook-response-mode">
                      {webhook.responseMode === "wait"
                        ? `waits for a task (${webhook.responseTimeoutSeconds} s)`
                        : "204 at once"}
                    </strong>
                  </Text>
                  <Text as="span" variant="bodySm">
                    Repeats:{" "}
                    <strong>
                      {webhook.dedupeEnabled ? `ignored (${webhook.dedupeHeader ?? "default headers"})` : "accepted"}
                    </strong>
                  </Text>
                  <Text as="span" variant="bodySm">
                    Last received:{" "}
                    <strong>{webhook.lastReceivedAt ? relativeTime(webhook.lastReceivedAt, nowMs) : "never"}</strong>
                  </Text>
                </InlineStack>
                <UnknownRequests count={unknownRequests} />
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Send it a request
                </Text>
                <Text as="p" tone="subdued">
                  Paste one of these into a terminal or a web page, or use “Send test event” above.
                </Text>
                {webhookExamples(webhook.url).map((example) => (
                  <CodeBlock
                    key={example.id}
                    label={example.label}
                    code={example.code}
                    copyable
                    testId={`example-${example.id}`}
                  />
                ))}
              </BlockStack>
            </Card>

            {webhook.signatureMode !== "none" && (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Signing secret
                  </Text>
                  {webhook.signatureSecret && (
                    <CopyField label="Current secret" value={webhook.signatureSecret} copiedMessage="Secret copied" />
                  )}
                  {webhook.signatureSecretOld && (
                    <Banner tone="info" title="Rotation in progress">
                      <p>
                        The previous secret is still accepted. Finish the rotation once every sender uses the new
                        secret.
                      </p>
                    </Banner>
                  )}
                  <InlineStack gap="200">
                    <Button onClick={() => post("rotate-secret")} loading={busyIntent === "rotate-secret"}>
                      Rotate secret
                    </Button>
                    {webhook.signatureSecretOld && (
                      <Button onClick={() => post("finish-rotation")} loading={busyIntent === "finish-rotation"}>
                        Finish rotation
                      </Button>
                    )}
                  </InlineStack>
                </BlockStack>
              </Card>
            )}

            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="update" />
                <BlockStack gap="400">
                  <Text as="h2" variant="headingMd">
                    Settings
                  </Text>
                  <WebhookFields
                    state={state}
                    setState={setState}
                    errors={updateErrors}
                    advanced
                    shopDefaultRate={shopDefaultRate}
                  />
                  <InlineStack align="end">
                    <Button submit variant="primary" loading={busyIntent === "update"}>
                      Save
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Form>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card padding="0">
            <Box padding="400" paddingBlockEnd="200">
              <Text as="h2" variant="headingMd">
                Recent events
              </Text>
            </Box>
            {events.length === 0 ? (
              <Box padding="400" paddingBlockStart="0">
                <Text as="p" tone="subdued">
                  Nothing received yet.
                </Text>
              </Box>
            ) : (
              <ul aria-label="Recent events of this webhook" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                {events.map((event) => (
                  <li key={event.id} style={{ borderTop: "1px solid #ebebeb" }}>
                    <Box padding="300" paddingInline="400">
                      <InlineStack align="space-between" gap="200" blockAlign="center">
                        <RemixLink to={`/app/events/${event.id}`} style={{ color: "#005bd3" }}>
                          <time dateTime={event.createdAt} title={absoluteTime(event.createdAt)}>
                            {relativeTime(event.createdAt, nowMs)}
                          </time>
                        </RemixLink>
                        <StatusBadge status={event.status} />
                      </InlineStack>
                    </Box>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </Layout.Section>
      </Layout>
      <ConfirmModal
        open={confirm === "delete"}
        title={`Delete “${webhook.name}”?`}
        body="Its URL stops creating events at once. Past events stay in the activity log. This cannot be undone."
        confirmLabel="Delete webhook"
        loading={busyIntent === "delete"}
        onClose={() => setConfirm(null)}
        onConfirm={() => post("delete")}
      />
      <ConfirmModal
        open={confirm === "regenerate"}
        title="Generate a new URL?"
        body="The current URL stops working at once; senders must be given the new one. Past events are kept."
        confirmLabel="Generate new URL"
        loading={busyIntent === "regenerate"}
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          post("regenerate");
        }}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Webhook" backUrl="/app/webhooks" backLabel="Webhooks" />;
}
