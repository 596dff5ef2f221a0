// The task editor: name, subscriptions (with one-click webhook topics), the Liquid script with
// templates, the options form generated from the script's options.* references, advanced flags,
// the action preview sentence and the dry-run panel.
import { useEffect, useMemo, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  ChoiceList,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { OptionDescription } from "~/domain/tasks/options";
import {
  isPreviewErrorSentence,
  optionFields,
  optionRawValue,
  subscriptionProblems,
  subscriptionTopics,
  type DryRunResponse,
  type DryRunTopicResult,
  type TaskFormErrors,
  type TaskFormState,
  type TaskTemplateChoice,
} from "~/domain/tasks/task-form";
import { CodeEditor } from "./CodeEditor";
import { useFieldErrors } from "./hooks";
import { CodeBlock } from "./CodeBlock";
import { absoluteTime } from "./time";

/** An event in the dry-run picker: what the Events page shows of it. */
export interface PickerEvent {
  id: string;
  topic: string;
  createdAt: string;
  summary: string;
}

/** One option's input (the editor's options form; the Run task user form with `help` = input.<name>). */
export function OptionField({
  description,
  value,
  error,
  onChange,
  help = `options.${description.key}`,
}: {
  description: OptionDescription;
  value: string | boolean | string[] | undefined;
  error?: string;
  onChange: (value: string | boolean | string[]) => void;
  help?: string;
}) {
  const label = `${description.label}${description.required ? " (required)" : ""}`;
  switch (description.type) {
    case "boolean":
      return <Checkbox label={label} checked={value === true} onChange={onChange} helpText={help} error={error} />;
    case "select":
    case "choice":
      return (
        <Select
          label={label}
          options={[
            { label: "Choose…", value: "" },
            ...(description.choices ?? []).map((c) => ({ label: c.label, value: c.value })),
          ]}
          value={typeof value === "string" ? value : ""}
          onChange={onChange}
          helpText={help}
          error={error}
        />
      );
    case "multiselect":
      return (
        <ChoiceList
          title={label}
          allowMultiple
          choices={(description.choices ?? []).map((c) => ({ label: c.label, value: c.value }))}
          selected={Array.isArray(value) ? value : []}
          onChange={onChange}
          error={error}
        />
      );
    default: {
      const multiline =
        ["multiline", "code", "array", "keyval"].includes(description.type) || (description.picker?.multiple ?? false);
      const type =
        description.type === "number" || description.type === "range"
          ? "number"
          : description.type === "email"
            ? "email"
            : description.type === "date"
              ? "date"
              : description.type === "time"
                ? "time"
                : description.type === "datetime"
                  ? "datetime-local"
                  : "text";
      const extraHelp =
        description.type === "array"
          ? " · one value per line"
          : description.type === "keyval"
            ? " · one “key: value” per line"
            : description.type === "picker"
              ? ` · Shopify ${description.picker?.resource} IDs (gid://shopify/…)`
              : description.type === "color"
                ? " · a color like #1a2b3c"
                : "";
      return (
        <TextField
          label={label}
          value={typeof value === "string" ? value : ""}
          onChange={onChange}
          autoComplete="off"
          type={multiline ? "text" : type}
          multiline={multiline ? 3 : undefined}
          monospaced={description.type === "code"}
          helpText={help + extraHelp}
          error={error}
        />
      );
    }
  }
}

export function TaskEditor({
  state,
  setState,
  errors: submittedErrors,
  webhookTopics,
  templates,
  recentEvents,
  sentence,
  taskId,
}: {
  state: TaskFormState;
  setState: (update: (s: TaskFormState) => TaskFormState) => void;
  errors: TaskFormErrors;
  webhookTopics: { topic: string; name: string }[];
  templates: TaskTemplateChoice[];
  recentEvents: PickerEvent[];
  sentence: string | null;
  taskId: string | null;
}) {
  const errors = useFieldErrors(submittedErrors, state);
  const set =
    <K extends keyof TaskFormState>(key: K) =>
    (value: TaskFormState[K]) =>
      setState((s) => ({ ...s, [key]: value }));
  const fields = useMemo(() => optionFields(state.script), [state.script]);
  const liveSubscriptionProblems = useMemo(() => subscriptionProblems(state.subscriptions), [state.subscriptions]);
  const subscribed = subscriptionTopics(state.subscriptions);
  const missingTopics = webhookTopics.filter((w) => !subscribed.includes(w.topic));
  const [pendingTemplate, setPendingTemplate] = useState<TaskTemplateChoice | null>(null);
  // The action preview sentence follows the unsaved script: the server previews it (nothing is
  // performed) a moment after the merchant stops typing.
  const sentenceFetcher = useFetcher<{ intent: "sentence"; sentence: string | null }>();
  const sentenceInput = JSON.stringify({
    name: state.name,
    subscriptions: state.subscriptions,
    script: state.script,
    options: state.options,
    template: state.template ?? null,
  });
  const [lastAsked, setLastAsked] = useState(sentenceInput);
  useEffect(() => {
    if (sentenceInput === lastAsked) return;
    const timer = window.setTimeout(() => {
      setLastAsked(sentenceInput);
      sentenceFetcher.submit({ intent: "sentence", payload: sentenceInput }, { method: "post" });
    }, 600);
    return () => window.clearTimeout(timer);
    // sentenceFetcher is stable enough; re-running on its state would resubmit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sentenceInput, lastAsked]);
  const shownSentence = sentenceFetcher.data ? sentenceFetcher.data.sentence : sentence;

  const applyTemplate = (template: TaskTemplateChoice) => {
    setState((s) => {
      const options: TaskFormState["options"] = { ...s.options };
      for (const description of optionFields(template.script)) {
        if (options[description.key] === undefined)
          options[description.key] = optionRawValue(description, template.options[description.key]);
      }
      return {
        ...s,
        name: s.name.trim() === "" ? template.name : s.name,
        // Keep the merchant's subscriptions; use the template's only when there are none yet.
        subscriptions: s.subscriptions.trim() === "" ? template.subscriptions : s.subscriptions,
        script: template.script,
        options,
        template: template.id,
      };
    });
    setPendingTemplate(null);
  };

  return (
    <Layout>
      <Layout.Section>
        <BlockStack gap="400">
          {errors.form && (
            <Banner tone="critical" title="The task was not saved">
              <p>{errors.form}</p>
            </Banner>
          )}
          <Card>
            <BlockStack gap="400">
              <TextField
                label="Task name"
                value={state.name}
                onChange={set("name")}
                autoComplete="off"
                error={errors.name}
                maxLength={255}
              />
              <BlockStack gap="200">
                <TextField
                  label="Subscriptions"
                  value={state.subscriptions}
                  onChange={set("subscriptions")}
                  multiline={3}
                  monospaced
                  autoComplete="off"
                  placeholder="user/webhook/test"
                  helpText="Event topics, one per line. Add a delay with +N.unit, e.g. user/order/created+1.hour."
                  error={
                    (liveSubscriptionProblems.length > 0 ? liveSubscriptionProblems.join(". ") : undefined) ??
                    errors.subscriptions
                  }
                />
                {missingTopics.length > 0 && (
                  <InlineStack gap="200" blockAlign="center" wrap>
                    <Text as="span" variant="bodySm" tone="subdued">
                      Your webhooks:
                    </Text>
                    {missingTopics.map((w) => (
                      <Button
                        key={w.topic}
                        size="slim"
                        onClick={() =>
                          set("subscriptions")(
                            state.subscriptions.trim() === ""
                              ? w.topic
                              : `${state.subscriptions.trimEnd()}\n${w.topic}`,
                          )
                        }
                        accessibilityLabel={`Subscribe to ${w.topic} (webhook ${w.name})`}
                      >
                        {`+ ${w.topic}`}
                      </Button>
                    ))}
                  </InlineStack>
                )}
              </BlockStack>
            </BlockStack>
          </Card>

          <Card>
            <BlockStack gap="300">
              <CodeEditor
                label="Script (Liquid)"
                value={state.script}
                onChange={set("script")}
                error={errors.script}
                helpText={
                  <>
                    Render actions with <code>{'{% action "echo", event.data %}'}</code> (options may be hash and array
                    literals: <code>{'{% action "echo", {"total": cart.total, "tags": ["vip"]} %}'}</code>), logs with{" "}
                    <code>{"{% log … %}"}</code> and errors with <code>{'{% error "…" %}'}</code>.
                  </>
                }
              />
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  Start from a template
                </Text>
                <ButtonGroup>
                  {templates.map((template) => (
                    <Button
                      key={template.id}
                      onClick={() =>
                        state.script.trim() === "" ? applyTemplate(template) : setPendingTemplate(template)
                      }
                      accessibilityLabel={`Use the ${template.name} template`}
                    >
                      {template.name}
                    </Button>
                  ))}
                </ButtonGroup>
                {pendingTemplate && (
                  <Banner
                    tone="warning"
                    title={`Replace the script with “${pendingTemplate.name}”?`}
                    action={{ content: "Replace script", onAction: () => applyTemplate(pendingTemplate) }}
                    secondaryAction={{ content: "Keep my script", onAction: () => setPendingTemplate(null) }}
                    onDismiss={() => setPendingTemplate(null)}
                  >
                    <p>{pendingTemplate.description}</p>
                  </Banner>
                )}
              </BlockStack>
            </BlockStack>
          </Card>

          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Options
              </Text>
              {fields.length === 0 ? (
                <Text as="p" tone="subdued">
                  This script has no options. Reference <code>options.some_name</code> (with flags like{" "}
                  <code>__required</code> or <code>__number</code>) and a field appears here.
                </Text>
              ) : (
                fields.map((description) => (
                  <OptionField
                    key={description.key}
                    description={description}
                    value={state.options[description.key]}
                    error={errors.options?.[description.key]}
                    onChange={(value) =>
                      setState((s) => ({ ...s, options: { ...s.options, [description.key]: value } }))
                    }
                  />
                ))
              )}
            </BlockStack>
          </Card>

          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Advanced
              </Text>
              <Checkbox
                label="Perform action runs in sequence"
                checked={state.performActionRunsInSequence}
                onChange={set("performActionRunsInSequence")}
                helpText="Actions run one after another, in the order the script rendered them."
              />
              {state.performActionRunsInSequence && (
                <Checkbox
                  label="Halt the sequence on error"
                  checked={state.haltActionRunSequenceOnError}
                  onChange={set("haltActionRunSequenceOnError")}
                  helpText="When an action fails, the remaining actions are skipped."
                />
              )}
            </BlockStack>
          </Card>
        </BlockStack>
      </Layout.Section>
      <Layout.Section variant="oneThird">
        <BlockStack gap="400">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Action preview
              </Text>
              <p data-testid="action-sentence" style={{ margin: 0 }}>
                <Text as="span" tone={isPreviewErrorSentence(shownSentence) ? "critical" : undefined}>
                  {shownSentence ?? "Add a subscription and an action to see what this task does."}
                </Text>
              </p>
            </BlockStack>
          </Card>
          <DryRunPanel state={state} taskId={taskId} recentEvents={recentEvents} subscribed={subscribed} />
        </BlockStack>
      </Layout.Section>
    </Layout>
  );
}

/** The dry-run picker's choice for Mechanic's preview: every subscribed topic, one result each. */
const EVERY_TOPIC = "every-topic";

function DryRunTopic({ result }: { result: DryRunTopicResult }) {
  return (
    <Box>
      <BlockStack gap="200">
        <Text as="p" variant="bodySm" tone="subdued">
          <span data-testid="dry-run-topic">{result.topic}</span>
          {result.description && result.description !== result.topic ? ` · ${result.description}` : ""} · rendered in{" "}
          {result.durationMs} ms
        </Text>
        {result.errors.length > 0 && (
          <Banner tone="critical" title="Errors (a live run would perform no actions)">
            <BlockStack gap="100">
              {result.errors.map((e, i) => (
                <p key={i} style={{ wordBreak: "break-word" }}>
                  {e}
                </p>
              ))}
            </BlockStack>
          </Banner>
        )}
        <Text as="h3" variant="headingSm">
          {result.actions.length === 0
            ? "No actions"
            : `${result.actions.length} action${result.actions.length === 1 ? "" : "s"}`}
        </Text>
        {result.actions.map((a, i) => (
          <BlockStack key={i} gap="100">
            <CodeBlock label={`${i + 1}. ${a.type}`} code={a.options} maxHeight={200} testId="dry-run-action" />
            {a.response && (
              <CodeBlock
                label="The webhook's caller would get"
                code={a.response}
                maxHeight={200}
                testId="dry-run-response"
              />
            )}
          </BlockStack>
        ))}
        {result.logs.length > 0 && <CodeBlock label="Logs" code={result.logs.join("\n")} maxHeight={200} />}
      </BlockStack>
    </Box>
  );
}

function DryRunPanel({
  state,
  taskId,
  recentEvents,
  subscribed,
}: {
  state: TaskFormState;
  taskId: string | null;
  recentEvents: PickerEvent[];
  subscribed: string[];
}) {
  const fetcher = useFetcher<DryRunResponse>();
  // "Find an event": the Events page's own search (id, request id, or text in the data), loaded
  // from its route so the picker and the page find the same events.
  const search = useFetcher<{ result: { rows: PickerEvent[] } | null }>();
  const [query, setQuery] = useState("");
  useEffect(() => {
    const q = query.trim();
    if (!q) return;
    const timer = window.setTimeout(
      () => search.load(`/app/events?${new URLSearchParams({ q, limit: "25" }).toString()}`),
      300,
    );
    return () => window.clearTimeout(timer);
    // search.load is stable enough for this purpose; re-running on its identity would loop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);
  const found = query.trim() && search.data?.result ? search.data.result.rows : null;
  const relevant = (found ?? recentEvents).filter((e) => subscribed.length === 0 || subscribed.includes(e.topic));
  const [source, setSource] = useState<string>(relevant[0]?.id ?? "paste");
  const [topic, setTopic] = useState(subscribed[0] ?? "");
  const firstFound = found ? relevant[0]?.id : undefined;
  useEffect(() => {
    if (firstFound) setSource(firstFound); // a search picks its newest match
  }, [firstFound]);
  const [dataJson, setDataJson] = useState('{\n  "foo": "bar",\n  "customer_id": 1001\n}');
  const running = fetcher.state !== "idle";
  const result = fetcher.data?.result;
  const effectiveSource =
    source === "paste" || (source === EVERY_TOPIC && subscribed.length > 0) || relevant.some((e) => e.id === source)
      ? source
      : "paste";

  const run = () => {
    fetcher.submit(
      {
        intent: "dry-run",
        payload: JSON.stringify({
          script: state.script,
          options: state.options,
          taskId,
          taskName: state.name,
          eventId: effectiveSource === "paste" || effectiveSource === EVERY_TOPIC ? null : effectiveSource,
          topic: topic || subscribed[0] || "",
          dataJson,
          everyTopic: effectiveSource === EVERY_TOPIC,
          subscriptions: state.subscriptions,
          template: state.template ?? null,
        }),
      },
      { method: "post" },
    );
  };

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Dry run
        </Text>
        <Text as="p" tone="subdued" variant="bodySm">
          Renders the script with <code>event.preview</code> set. Nothing is performed: no Shopify calls, no HTTP, no
          cache.
        </Text>
        <TextField
          label="Find an event"
          value={query}
          onChange={setQuery}
          autoComplete="off"
          placeholder="Event id, request id, or text in the data"
          helpText={
            query.trim()
              ? search.state !== "idle"
                ? "Searching…"
                : `${relevant.length} matching event${relevant.length === 1 ? "" : "s"}${subscribed.length ? " of the subscribed topics" : ""}`
              : "The latest events are listed; search to find older ones."
          }
          clearButton
          onClearButtonClick={() => setQuery("")}
        />
        <Select
          label="Event"
          options={[
            ...relevant.map((e) => ({
              label: `${e.topic} · ${e.summary ? `${e.summary} · ` : ""}${absoluteTime(e.createdAt)}`,
              value: e.id,
            })),
            ...(subscribed.length > 0
              ? [{ label: "Every subscribed topic (preview events, recent events or examples)", value: EVERY_TOPIC }]
              : []),
            { label: "Paste event data (JSON)", value: "paste" },
          ]}
          value={effectiveSource}
          onChange={setSource}
        />
        {effectiveSource === "paste" && (
          <>
            <TextField
              label="Topic"
              value={topic}
              onChange={setTopic}
              autoComplete="off"
              placeholder={subscribed[0] ?? "user/webhook/test"}
            />
            <TextField
              label="Event data (JSON)"
              value={dataJson}
              onChange={setDataJson}
              multiline={5}
              monospaced
              autoComplete="off"
            />
          </>
        )}
        <InlineStack>
          <Button onClick={run} loading={running}>
            Run dry run
          </Button>
        </InlineStack>
        {result && !result.ok && (
          <Banner tone="critical">
            <p>{result.error}</p>
          </Banner>
        )}
        {result && result.ok && (
          <BlockStack gap="400">
            {(result.perTopic ?? [result]).map((one, index) => (
              <DryRunTopic key={index} result={one} />
            ))}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
