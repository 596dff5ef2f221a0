// "Run task" (mechanic/user/trigger, text, form): one section per manual-run topic the task
// subscribes to, each with its own Run button; the created event is linked once it exists. Posts the
// "run" intent to the page it is on (the task page).
import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Link, Modal, Text, TextField } from "@shopify/polaris";
import type { OptionDescription } from "~/domain/tasks/options";
import { OptionField } from "./TaskEditor";

export type RunTaskResult =
  { intent: "run"; ok: true; eventId: string; topic: string } | { intent: "run"; ok: false; error: string };

export function RunTaskModal({
  open,
  onClose,
  taskName,
  topics,
  formFields,
}: {
  open: boolean;
  onClose: () => void;
  taskName: string;
  topics: string[];
  formFields: OptionDescription[];
}) {
  const fetcher = useFetcher<RunTaskResult>();
  const [text, setText] = useState("");
  const [values, setValues] = useState<Record<string, string | boolean | string[]>>({});
  const [ranTopic, setRanTopic] = useState<string | null>(null);
  const busy = fetcher.state !== "idle";
  const result = fetcher.data;
  useEffect(() => {
    if (!open) setRanTopic(null);
  }, [open]);

  const run = (topic: string, data: unknown) => {
    setRanTopic(topic);
    fetcher.submit({ intent: "run", topic, data: JSON.stringify(data ?? null) }, { method: "post" });
  };
  const outcome =
    result && ranTopic ? (
      result.ok ? (
        <Banner tone="success" title="Task run started">
          <p>
            Event <Link url={`/app/events/${result.eventId}`}>{result.eventId}</Link> ({result.topic}) goes to this task
            only.
          </p>
        </Banner>
      ) : (
        <Banner tone="critical" title="Not run">
          <p>{result.error}</p>
        </Banner>
      )
    ) : null;

  return (
    <Modal open={open} onClose={onClose} title={`Run “${taskName}”`}>
      {outcome ? <Modal.Section>{outcome}</Modal.Section> : null}
      {topics.includes("mechanic/user/trigger") ? (
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">Runs the task now (mechanic/user/trigger).</Text>
            <div>
              <Button
                variant="primary"
                loading={busy && ranTopic === "mechanic/user/trigger"}
                onClick={() => run("mechanic/user/trigger", null)}
              >
                Run now
              </Button>
            </div>
          </BlockStack>
        </Modal.Section>
      ) : null}
      {topics.includes("mechanic/user/text") ? (
        <Modal.Section>
          <BlockStack gap="200">
            <TextField
              label="Text"
              helpText="The task reads it as event.data (mechanic/user/text)."
              value={text}
              onChange={setText}
              multiline={6}
              autoComplete="off"
            />
            <div>
              <Button
                variant="primary"
                loading={busy && ranTopic === "mechanic/user/text"}
                onClick={() => run("mechanic/user/text", text)}
              >
                Run with this text
              </Button>
            </div>
          </BlockStack>
        </Modal.Section>
      ) : null}
      {topics.includes("mechanic/user/form") ? (
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">
              {formFields.length > 0
                ? "The task reads these values as input.<name> and event.data (mechanic/user/form)."
                : "This task has no options with the userform flag (e.g. options.start__date_userform): the form is empty."}
            </Text>
            {formFields.map((field) => (
              <OptionField
                key={field.key}
                description={field}
                value={values[field.name]}
                help={`input.${field.name}`}
                onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
              />
            ))}
            <div>
              <Button
                variant="primary"
                loading={busy && ranTopic === "mechanic/user/form"}
                onClick={() => run("mechanic/user/form", values)}
              >
                Run with these values
              </Button>
            </div>
          </BlockStack>
        </Modal.Section>
      ) : null}
    </Modal>
  );
}
