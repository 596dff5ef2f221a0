// Fields of the webhook create and edit forms. Controlled, so the merchant's input survives a failed
// save; values are posted through hidden inputs for the choice fields.
import { useState } from "react";
import { BlockStack, Checkbox, ChoiceList, FormLayout, Select, Text, TextField } from "@shopify/polaris";
import { useFieldErrors } from "./hooks";
import {
  DEFAULT_DEDUPE_HEADERS_TEXT,
  DEFAULT_SIGNATURE_HEADER,
  RESPONSE_TIMEOUT_SECONDS,
  topicError,
  type WebhookFormErrors,
} from "~/domain/webhooks/webhook-form";

export interface WebhookFormState {
  name: string;
  topic: string;
  dataMode: string;
  corsMode: string;
  signatureMode: string;
  signatureHeader: string;
  signatureEncoding: string;
  signatureSecret: string;
  dedupeEnabled: boolean;
  dedupeHeader: string;
  rateLimitPerMinute: string;
  responseMode: string;
  responseTimeoutSeconds: string;
}

export const EMPTY_WEBHOOK_FORM: WebhookFormState = {
  name: "",
  topic: "",
  dataMode: "auto",
  corsMode: "any",
  signatureMode: "none",
  signatureHeader: "",
  signatureEncoding: "hex",
  signatureSecret: "",
  dedupeEnabled: false,
  dedupeHeader: "",
  rateLimitPerMinute: "",
  responseMode: "immediate",
  responseTimeoutSeconds: String(RESPONSE_TIMEOUT_SECONDS.default),
};

/** Form state from posted fields (to put the merchant's input back after a failed save). */
export function formStateFromFields(fields: Record<string, string>): WebhookFormState {
  return {
    ...EMPTY_WEBHOOK_FORM,
    ...Object.fromEntries(Object.entries(fields).filter(([k]) => k in EMPTY_WEBHOOK_FORM && k !== "dedupeEnabled")),
    dedupeEnabled: ["on", "true", "1"].includes(fields.dedupeEnabled ?? ""),
  };
}

export function useWebhookFormState(initial: WebhookFormState) {
  return useState<WebhookFormState>(initial);
}

export function WebhookFields({
  state,
  setState,
  errors: submittedErrors,
  advanced,
  shopDefaultRate,
}: {
  state: WebhookFormState;
  setState: (update: (s: WebhookFormState) => WebhookFormState) => void;
  errors: WebhookFormErrors;
  advanced: boolean;
  shopDefaultRate?: number;
}) {
  const [topicTouched, setTopicTouched] = useState(false);
  const errors = useFieldErrors(submittedErrors, state);
  const set =
    <K extends keyof WebhookFormState>(key: K) =>
    (value: WebhookFormState[K]) =>
      setState((s) => ({ ...s, [key]: value }));
  // Inline: the same validator the server uses, shown once the merchant has typed or left the field.
  const liveTopicError = state.topic !== "" || topicTouched ? topicError(state.topic) : null;
  const topicMessage = liveTopicError ?? (state.topic === "" ? errors.topic : undefined);

  return (
    <FormLayout>
      <TextField
        label="Name"
        name="name"
        value={state.name}
        onChange={set("name")}
        autoComplete="off"
        maxLength={255}
        helpText="Name it after the service that will send data, e.g. “Example” or “Typeform”."
        error={errors.name}
        requiredIndicator
      />
      <TextField
        label="Event topic"
        name="topic"
        value={state.topic}
        onChange={set("topic")}
        onBlur={() => setTopicTouched(true)}
        autoComplete="off"
        placeholder="user/webhook/test"
        helpText="Format user/<subject>/<verb>: lowercase letters, digits and underscores. Tasks subscribe to this topic."
        error={topicMessage ?? undefined}
        requiredIndicator
      />
      <input type="hidden" name="dataMode" value={state.dataMode} />
      <ChoiceList
        title="Event data"
        choices={[
          {
            label: "Auto",
            value: "auto",
            helpText:
              "The parsed body (JSON, form or multipart) merged over the query string; plain text stays a string.",
          },
          {
            label: "Full request",
            value: "full",
            helpText: "Body, headers, query and client IP, for tasks that must check signatures or read headers.",
          },
        ]}
        selected={[state.dataMode]}
        onChange={(selected) => set("dataMode")(selected[0] ?? "auto")}
        error={errors.dataMode}
      />
      {advanced && (
        <BlockStack gap="400">
          <input type="hidden" name="responseMode" value={state.responseMode} />
          <ChoiceList
            title="Response to the sender"
            choices={[
              {
                label: "Answer 204 at once",
                value: "immediate",
                helpText: "The request is answered as soon as the event is stored; tasks run afterwards.",
              },
              {
                label: "Wait for a task's response",
                value: "wait",
                helpText:
                  'The sender waits for the first "respond" action of a task subscribed to this topic (202 with a request id if none answers in time).',
              },
            ]}
            selected={[state.responseMode]}
            onChange={(selected) => set("responseMode")(selected[0] ?? "immediate")}
            error={errors.responseMode}
          />
          {state.responseMode === "wait" ? (
            <TextField
              label="Response timeout (seconds)"
              name="responseTimeoutSeconds"
              type="number"
              min={RESPONSE_TIMEOUT_SECONDS.min}
              max={RESPONSE_TIMEOUT_SECONDS.max}
              value={state.responseTimeoutSeconds}
              onChange={set("responseTimeoutSeconds")}
              autoComplete="off"
              helpText={`${RESPONSE_TIMEOUT_SECONDS.min} to ${RESPONSE_TIMEOUT_SECONDS.max} seconds. Without a response by then the sender gets 202 and the event still runs.`}
              error={errors.responseTimeoutSeconds}
            />
          ) : (
            <input type="hidden" name="responseTimeoutSeconds" value={state.responseTimeoutSeconds} />
          )}
          <input type="hidden" name="corsMode" value={state.corsMode} />
          <ChoiceList
            title="Browser requests (CORS)"
            choices={[
              {
                label: "Any origin",
                value: "any",
                helpText: "Any web page may post to this URL (the URL is the secret).",
              },
              {
                label: "Restricted",
                value: "restricted",
                helpText: "Only your storefront's domains and the extra origins in Settings. Servers are not affected.",
              },
            ]}
            selected={[state.corsMode]}
            onChange={(selected) => set("corsMode")(selected[0] ?? "any")}
            error={errors.corsMode}
          />
          <Select
            label="Signature verification"
            name="signatureMode"
            options={[
              { label: "None", value: "none" },
              { label: "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)", value: "standard" },
              { label: "HMAC-SHA256 header (Shopify, Stripe, GitHub style)", value: "hmac" },
            ]}
            value={state.signatureMode}
            onChange={set("signatureMode")}
            helpText="Requests without a valid signature get 401 and create no event."
            error={errors.signatureMode}
          />
          {state.signatureMode === "hmac" && (
            <FormLayout.Group>
              <TextField
                label="Signature header"
                name="signatureHeader"
                value={state.signatureHeader}
                onChange={set("signatureHeader")}
                autoComplete="off"
                placeholder={DEFAULT_SIGNATURE_HEADER}
                error={errors.signatureHeader}
              />
              <Select
                label="Digest encoding"
                name="signatureEncoding"
                options={[
                  { label: "Hex", value: "hex" },
                  { label: "Base64", value: "base64" },
                ]}
                value={state.signatureEncoding}
                onChange={set("signatureEncoding")}
                error={errors.signatureEncoding}
              />
              <TextField
                label="Sender's secret"
                name="signatureSecret"
                value={state.signatureSecret}
                onChange={set("signatureSecret")}
                autoComplete="off"
                helpText="The secret the sending service signs with. Leave empty to keep the current one or generate one."
                error={errors.signatureSecret}
              />
            </FormLayout.Group>
          )}
          <input type="hidden" name="dedupeEnabled" value={state.dedupeEnabled ? "on" : ""} />
          <Checkbox
            label="Ignore repeated deliveries"
            checked={state.dedupeEnabled}
            onChange={(checked) => set("dedupeEnabled")(checked)}
            helpText="A request whose idempotency header was already seen in the last 24 hours gets 204 and creates no event."
          />
          {state.dedupeEnabled && (
            <TextField
              label="Idempotency header"
              name="dedupeHeader"
              value={state.dedupeHeader}
              onChange={set("dedupeHeader")}
              autoComplete="off"
              placeholder="Idempotency-Key"
              helpText={`Leave empty to use ${DEFAULT_DEDUPE_HEADERS_TEXT}.`}
              error={errors.dedupeHeader}
            />
          )}
          <TextField
            label="Rate limit (requests per minute)"
            name="rateLimitPerMinute"
            type="number"
            value={state.rateLimitPerMinute}
            onChange={set("rateLimitPerMinute")}
            autoComplete="off"
            placeholder={shopDefaultRate ? String(shopDefaultRate) : undefined}
            helpText={`Leave empty for the shop default${shopDefaultRate ? ` (${shopDefaultRate} per minute)` : ""}. Above it, senders get 429.`}
            error={errors.rateLimitPerMinute}
          />
        </BlockStack>
      )}
      {!advanced && (
        <Text as="p" variant="bodySm" tone="subdued">
          CORS, signature verification and duplicate handling can be set on the webhook's page after creating it.
        </Text>
      )}
    </FormLayout>
  );
}
