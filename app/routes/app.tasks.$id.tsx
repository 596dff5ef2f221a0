// Edit a task: the editor, Run task (manual-run topics), enable/disable, export as Mechanic task JSON, delete.
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Modal, Page, Text } from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import {
  deleteTask,
  getTask,
  setTaskEnabled,
  taskOptions,
  TaskNotFoundError,
  TaskValidationError,
} from "~/data/tasks.server";
import { scriptSyntaxError } from "~/domain/tasks/script-check";
import {
  dryRunFromForm,
  sentenceFromForm,
  editorContext,
  exportTaskJson,
  saveTaskFromForm,
  tasksChanged,
  taskSentence,
} from "~/services/admin/tasks.server";
import {
  optionFields,
  optionRawValue,
  parseTaskPayload,
  type TaskFormErrors,
  type TaskFormState,
} from "~/domain/tasks/task-form";
import { TaskEditor } from "../components/TaskEditor";
import { BrokenScriptModal } from "../components/BrokenScriptModal";
import { CodeBlock } from "../components/CodeBlock";
import { ConfirmModal } from "../components/ConfirmModal";
import { downloadText, useActionToast, useRedirectToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";
import { RunTaskModal, type RunTaskResult } from "../components/RunTaskModal";
import { manualRunTopics, userFormFields } from "~/domain/tasks/manual-run";
import { ManualRunError, runTaskManually } from "~/services/runner/run-task.server";
import { parseJson } from "~/domain/json";
import { AccessBanner } from "../components/AccessBanner";
import { grantedScopes, refreshGrantedScopes } from "~/services/shopify/access.server";
import { missingAccess } from "~/domain/shopify/task-access";

function notFound(): never {
  throw new Response("Task not found", { status: 404 });
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const task = await getTask(session.shop, params.id ?? "");
  if (!task) notFound();
  const [context, sentence, granted] = await Promise.all([
    editorContext(session.shop),
    taskSentence(session.shop, task),
    grantedScopes(session.shop),
  ]);
  const stored = taskOptions(task);
  const options: TaskFormState["options"] = {};
  for (const d of optionFields(task.script)) options[d.key] = optionRawValue(d, stored[d.key]);
  const saved: TaskFormState = {
    name: task.name,
    subscriptions: task.subscriptions,
    script: task.script,
    options,
    performActionRunsInSequence: task.performActionRunsInSequence,
    haltActionRunSequenceOnError: task.haltActionRunSequenceOnError,
    enabled: task.enabled,
  };
  return {
    ...context,
    task: {
      id: task.id,
      name: task.name,
      enabled: task.enabled,
      version: task.version,
      updatedAt: task.updatedAt.toISOString(),
      syntaxError: scriptSyntaxError(task.script),
    },
    saved,
    sentence,
    exportJson: exportTaskJson(task),
    manualTopics: manualRunTopics(task.subscriptions),
    userForm: userFormFields(task.script),
    access: missingAccess(task, granted),
  };
};

async function runFromForm(shop: string, id: string, form: FormData): Promise<RunTaskResult> {
  let data: unknown = null;
  try {
    data = parseJson(String(form.get("data") ?? "null"));
  } catch {
    return { intent: "run", ok: false, error: "The run's data is not valid JSON" };
  }
  try {
    const topic = form.get("topic");
    const { eventId, topic: ran } = await runTaskManually(shop, id, {
      topic: typeof topic === "string" && topic !== "" ? topic : null,
      data,
    });
    return { intent: "run", ok: true, eventId, topic: ran };
  } catch (error) {
    if (error instanceof ManualRunError) return { intent: "run", ok: false, error: error.message };
    throw error;
  }
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    switch (intent) {
      case "dry-run": {
        if (!(await getTask(session.shop, id))) notFound();
        return await dryRunFromForm(session.shop, form.get("payload"), id);
      }
      case "run":
        return await runFromForm(session.shop, id, form);
      case "sentence":
        if (!(await getTask(session.shop, id))) notFound();
        return await sentenceFromForm(session.shop, form.get("payload"));
      case "save": {
        const payload = parseTaskPayload(form.get("payload"));
        if (!payload.ok)
          return {
            intent,
            ok: false as const,
            errors: { form: payload.error } as TaskFormErrors,
            toast: payload.error,
            toastError: true,
          };
        const saved = await saveTaskFromForm(session.shop, id, payload.state);
        if (saved === null) notFound();
        if (!saved.ok)
          return {
            intent,
            ok: false as const,
            errors: saved.errors,
            brokenScript: saved.brokenScript ?? null,
            // A broken script alone is asked about in a modal, not toasted.
            ...(saved.brokenScript ? {} : { toast: "Task not saved: fix the highlighted fields", toastError: true }),
          };
        return { intent, ok: true as const, toast: `Task saved (version ${saved.version})` };
      }
      case "enable":
      case "disable":
        try {
          await setTaskEnabled(session.shop, id, intent === "enable");
        } catch (error) {
          if (!(error instanceof TaskValidationError)) throw error;
          return { intent, ok: false as const, toast: error.message, toastError: true };
        }
        await tasksChanged(session.shop, `task ${intent}d`);
        return { intent, ok: true as const, toast: intent === "enable" ? "Task enabled" : "Task disabled" };
      case "access-granted": {
        // The merchant accepted the scopes request: ask Shopify what is granted now (the
        // app/scopes_update webhook may still be on its way) and create the waiting subscriptions.
        const scopes = await refreshGrantedScopes(session.shop);
        return { intent, ok: true as const, toast: `Access granted (${scopes.length} scopes)` };
      }
      case "delete":
        await deleteTask(session.shop, id);
        await tasksChanged(session.shop, "task deleted");
        return redirect("/app/tasks?deleted=1");
      default:
        throw new Response(`Unknown action "${intent.slice(0, 40)}"`, { status: 400 });
    }
  } catch (error) {
    if (error instanceof TaskNotFoundError) notFound();
    throw error;
  }
};

// The live sentence and the dry run change nothing: no need to reload the page's data after them.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => {
  const intent = formData?.get("intent");
  if (intent === "sentence" || intent === "dry-run" || intent === "run") return false;
  return defaultShouldRevalidate;
};

export default function EditTask() {
  const { task, saved, sentence, exportJson, webhookTopics, recentEvents, templates, manualTopics, userForm, access } =
    useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  // The task list's "Run task" links here with ?run=1.
  const [showRun, setShowRun] = useState(searchParams.get("run") === "1" && manualTopics.length > 0);
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [state, setState] = useState<TaskFormState>(saved);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [showExport, setShowExport] = useState(false);
  const busy = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";
  const saveData =
    actionData && "intent" in actionData && actionData.intent !== "dry-run" && actionData.intent !== "run"
      ? actionData
      : undefined;
  useActionToast(saveData && "toast" in saveData ? saveData : undefined);
  useRedirectToast({
    created: "Task created",
    imported: "Task imported",
    replaced: "Task imported: it replaced the task with the same name",
    disabled: "Task imported disabled: its Liquid does not parse",
  });
  // After a successful save (a new version), show what was stored; a failed save keeps the input.
  useEffect(() => {
    setState((current) => ({ ...saved, ...(current.enabled !== saved.enabled ? { enabled: saved.enabled } : {}) }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [task.version]);
  const errors: TaskFormErrors =
    saveData && saveData.intent === "save" && !saveData.ok && "errors" in saveData ? saveData.errors : {};
  const post = (intent: string) => submit({ intent }, { method: "post" });
  const save = (next: TaskFormState) => submit({ intent: "save", payload: JSON.stringify(next) }, { method: "post" });
  const brokenScript =
    saveData && saveData.intent === "save" && !saveData.ok && "brokenScript" in saveData ? saveData.brokenScript : null;
  const [asking, setAsking] = useState(false);
  useEffect(() => setAsking(Boolean(brokenScript)), [brokenScript]);

  return (
    <Page
      title={task.name}
      titleMetadata={task.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
      subtitle={`Version ${task.version}`}
      backAction={{ content: "Tasks", url: "/app/tasks" }}
      primaryAction={{
        content: "Save task",
        loading: busy === "save",
        onAction: () => save({ ...state, enabled: task.enabled }),
      }}
      secondaryActions={[
        ...(manualTopics.length > 0 ? [{ content: "Run task", onAction: () => setShowRun(true) }] : []),
        task.enabled
          ? { content: "Disable", onAction: () => post("disable"), loading: busy === "disable" }
          : { content: "Enable", onAction: () => post("enable"), loading: busy === "enable" },
        { content: "Export JSON", onAction: () => setShowExport(true) },
        { content: "Delete", destructive: true, onAction: () => setConfirmDelete(true) },
      ]}
    >
      {task.syntaxError && (
        <Box paddingBlockEnd="400">
          <Banner tone={task.enabled ? "critical" : "warning"} title="The saved script does not parse">
            <p data-testid="task-syntax-error">
              {task.syntaxError.message}.{" "}
              {task.enabled
                ? "Every event this task receives ends in a failed run until the script is fixed."
                : "Fix the script, then enable the task."}
            </p>
          </Banner>
        </Box>
      )}
      {access ? (
        <AccessBanner access={access} busy={busy === "access-granted"} onGranted={() => post("access-granted")} />
      ) : null}
      <TaskEditor
        state={state}
        setState={setState}
        errors={errors}
        webhookTopics={webhookTopics}
        templates={templates}
        recentEvents={recentEvents}
        sentence={sentence}
        taskId={task.id}
      />
      <RunTaskModal
        open={showRun}
        onClose={() => setShowRun(false)}
        taskName={task.name}
        topics={manualTopics}
        formFields={userForm}
      />
      <BrokenScriptModal
        error={asking ? brokenScript : null}
        loading={busy === "save"}
        onClose={() => setAsking(false)}
        onSaveDisabled={() => save({ ...state, enabled: false })}
        onSaveEnabled={() => save({ ...state, enabled: task.enabled, confirmBrokenScript: true })}
      />
      <ConfirmModal
        open={confirmDelete}
        title={`Delete “${task.name}”?`}
        body="The task stops running at once and its past runs are deleted with it. Export it first if you may want it back."
        confirmLabel="Delete task"
        loading={busy === "delete"}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => post("delete")}
      />
      <Modal
        open={showExport}
        onClose={() => setShowExport(false)}
        title="Task JSON"
        primaryAction={{
          content: "Download",
          // A blob download, not a link: Polaris hands `external` to Remix's Link, which puts a
          // non-boolean attribute on the <a> (issue 13: React's warning).
          onAction: () => downloadText(exportJson, `${exportFileName(task.name)}.json`),
        }}
        secondaryActions={[{ content: "Close", onAction: () => setShowExport(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">Mechanic's task format: paste it into Hookline's “Import task” or into Mechanic.</Text>
            <CodeBlock code={exportJson} copyable label="Task JSON" testId="export-json" />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

/** A file name from the task's name: letters, digits and dashes. */
function exportFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || "task";
}

export function ErrorBoundary() {
  return <RouteError what="Task" backUrl="/app/tasks" backLabel="Tasks" />;
}
