// Create a task, optionally from a template (?template=echo) and for a topic (?topic=user/webhook/test).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { authenticate } from "~/services/shopify/app.server";
import { dryRunFromForm, sentenceFromForm, editorContext, saveTaskFromForm } from "~/services/admin/tasks.server";
import {
  EMPTY_TASK_FORM,
  optionFields,
  optionRawValue,
  parseTaskPayload,
  type TaskFormErrors,
  type TaskFormState,
} from "~/domain/tasks/task-form";
import { TaskEditor } from "../components/TaskEditor";
import { BrokenScriptModal } from "../components/BrokenScriptModal";
import { useActionToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const context = await editorContext(session.shop);
  const template = context.templates.find((t) => t.id === url.searchParams.get("template")) ?? null;
  const topic = (url.searchParams.get("topic") ?? "").trim().slice(0, 255);
  let initial: TaskFormState = { ...EMPTY_TASK_FORM, subscriptions: topic };
  if (template) {
    const options: TaskFormState["options"] = {};
    for (const d of optionFields(template.script)) options[d.key] = optionRawValue(d, template.options[d.key]);
    initial = {
      ...initial,
      name: template.name,
      script: template.script,
      options,
      subscriptions: topic || template.subscriptions,
      template: template.id,
    };
  }
  const { sentence } = await sentenceFromForm(session.shop, JSON.stringify(initial));
  return { ...context, initial, sentence };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const payload = parseTaskPayload(form.get("payload"));
  if (intent === "dry-run") return dryRunFromForm(session.shop, form.get("payload"), null);
  if (intent === "sentence") return sentenceFromForm(session.shop, form.get("payload"));
  if (intent !== "save") throw new Response(`Unknown action "${intent.slice(0, 40)}"`, { status: 400 });
  if (!payload.ok)
    return {
      intent: "save" as const,
      ok: false as const,
      errors: { form: payload.error } as TaskFormErrors,
      toast: payload.error,
      toastError: true,
    };
  const saved = await saveTaskFromForm(session.shop, null, payload.state);
  if (!saved || !saved.ok) {
    return {
      intent: "save" as const,
      ok: false as const,
      errors: saved ? saved.errors : {},
      brokenScript: saved?.brokenScript ?? null,
      // A broken script alone is asked about in a modal, not toasted.
      ...(saved?.brokenScript ? {} : { toast: "Task not saved: fix the highlighted fields", toastError: true }),
    };
  }
  return redirect(`/app/tasks/${saved.id}?created=1`);
};

// The live sentence and the dry run change nothing: no need to reload the page's data after them.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => {
  const intent = formData?.get("intent");
  if (intent === "sentence" || intent === "dry-run") return false;
  return defaultShouldRevalidate;
};

export default function NewTask() {
  // A different template or topic in the URL starts a fresh form; revalidation after a save must not.
  const location = useLocation();
  return <NewTaskForm key={location.search} />;
}

function NewTaskForm() {
  const { initial, sentence, webhookTopics, recentEvents, templates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [state, setState] = useState<TaskFormState>(initial);
  const saveData = actionData && actionData.intent === "save" ? actionData : undefined;
  useActionToast(saveData);
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "save";
  const brokenScript = saveData && !saveData.ok && "brokenScript" in saveData ? saveData.brokenScript : null;
  const [asking, setAsking] = useState(false);
  useEffect(() => setAsking(Boolean(brokenScript)), [brokenScript]);
  const save = (next: TaskFormState) => submit({ intent: "save", payload: JSON.stringify(next) }, { method: "post" });
  return (
    <Page
      title="New task"
      backAction={{ content: "Tasks", url: "/app/tasks" }}
      primaryAction={{
        content: "Save task",
        loading: saving,
        onAction: () => save(state),
      }}
    >
      <TaskEditor
        state={state}
        setState={setState}
        errors={saveData && !saveData.ok ? saveData.errors : {}}
        webhookTopics={webhookTopics}
        templates={templates}
        recentEvents={recentEvents}
        sentence={sentence}
        taskId={null}
      />
      <BrokenScriptModal
        error={asking ? brokenScript : null}
        loading={saving}
        onClose={() => setAsking(false)}
        onSaveDisabled={() => {
          setState({ ...state, enabled: false });
          save({ ...state, enabled: false });
        }}
        onSaveEnabled={() => save({ ...state, confirmBrokenScript: true })}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Task" backUrl="/app/tasks" backLabel="Tasks" />;
}
