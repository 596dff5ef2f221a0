// Tasks: the shop's tasks with their subscriptions and recent runs; create, or import Mechanic task JSON.
import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineStack,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import { importTaskJson, listTasksForIndex } from "~/services/admin/tasks.server";
import { useActionToast, useRedirectToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";
import { manualRunTopics } from "~/domain/tasks/manual-run";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const tasks = await listTasksForIndex(session.shop);
  return {
    tasks: tasks.map((t) => ({
      id: t.id,
      name: t.name,
      topics: t.subscriptions.split("\n").filter((line) => line.trim() !== ""),
      runnable: t.enabled && manualRunTopics(t.subscriptions).length > 0,
      enabled: t.enabled,
      version: t.version,
      runsLastDay: t.runsLastDay,
      failedLastDay: t.failedLastDay,
      needsAccess: t.needsAccess,
    })),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  if (form.get("intent") !== "import") throw new Response("Unknown action", { status: 400 });
  const text = String(form.get("json") ?? "");
  const result = await importTaskJson(session.shop, text);
  if (!result.ok)
    return { ok: false as const, errors: result.errors, json: text, toast: "Task not imported", toastError: true };
  // A script that does not parse is imported disabled; the task page says why (its syntax banner).
  const flag = result.warning ? "disabled" : result.replaced ? "replaced" : "imported";
  return redirect(`/app/tasks/${result.id}?${flag}=1`);
};

export default function Tasks() {
  const { tasks } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [importOpen, setImportOpen] = useState(Boolean(actionData && !actionData.ok));
  const [json, setJson] = useState(actionData?.json ?? "");
  useActionToast(actionData);
  useRedirectToast({ deleted: "Task deleted" });
  const importing = navigation.state !== "idle" && navigation.formData?.get("intent") === "import";

  return (
    <Page
      title="Tasks"
      backAction={{ content: "Home", url: "/app" }}
      primaryAction={{ content: "Create task", url: "/app/tasks/new" }}
      secondaryActions={[{ content: "Import task JSON", onAction: () => setImportOpen(true) }]}
    >
      {tasks.length === 0 ? (
        <Card>
          <BlockStack gap="300" inlineAlign="start">
            <Text as="h2" variant="headingMd">
              No tasks yet
            </Text>
            <Text as="p">
              A task subscribes to event topics and runs a Liquid script for each event, rendering actions to perform.
            </Text>
            <InlineStack gap="200">
              <Button variant="primary" url="/app/tasks/new?template=echo">
                Start from the Echo template
              </Button>
              <Button url="/app/tasks/new">Start from scratch</Button>
            </InlineStack>
          </BlockStack>
        </Card>
      ) : (
        <Card padding="0">
          <ul aria-label="Tasks" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {tasks.map((task, index) => (
              <li
                key={task.id}
                style={{ borderTop: index === 0 ? undefined : "1px solid #ebebeb" }}
                data-testid="task-row"
              >
                <Box padding="400">
                  <BlockStack gap="150">
                    <InlineStack align="space-between" blockAlign="center" gap="200" wrap>
                      <InlineStack gap="200" blockAlign="center">
                        <RemixLink to={`/app/tasks/${task.id}`} style={{ color: "#005bd3", fontWeight: 600 }}>
                          {task.name}
                        </RemixLink>
                        {task.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
                        {task.needsAccess ? (
                          <RemixLink to={`/app/tasks/${task.id}`} data-testid="needs-access">
                            <Badge tone="warning">{task.needsAccess}</Badge>
                          </RemixLink>
                        ) : null}
                      </InlineStack>
                      <InlineStack gap="200" blockAlign="center">
                        <Text as="span" variant="bodySm" tone={task.failedLastDay > 0 ? "critical" : "subdued"}>
                          {task.runsLastDay} run{task.runsLastDay === 1 ? "" : "s"} in 24 h
                          {task.failedLastDay > 0 ? `, ${task.failedLastDay} failed` : ""}
                        </Text>
                        {task.runnable ? (
                          <Button
                            size="slim"
                            url={`/app/tasks/${task.id}?run=1`}
                            accessibilityLabel={`Run ${task.name}`}
                          >
                            Run task
                          </Button>
                        ) : null}
                      </InlineStack>
                    </InlineStack>
                    <Text as="p" variant="bodySm" tone="subdued">
                      {task.topics.length === 0 ? "No subscriptions" : task.topics.join(", ")}
                    </Text>
                  </BlockStack>
                </Box>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Modal
        open={importOpen}
        onClose={() => setImportOpen(false)}
        title="Import task JSON"
        primaryAction={{
          content: "Import",
          loading: importing,
          disabled: json.trim() === "",
          onAction: () => submit({ intent: "import", json }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setImportOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">
              Paste a task exported from Hookline or Mechanic (for example from Mechanic's public task library). A task
              with the same name is replaced.
            </Text>
            {actionData && !actionData.ok && (
              <Banner tone="critical" title="The task was not imported">
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {actionData.errors.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
              </Banner>
            )}
            <TextField label="Task JSON" value={json} onChange={setJson} multiline={10} monospaced autoComplete="off" />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Tasks" backUrl="/app" backLabel="Home" />;
}
