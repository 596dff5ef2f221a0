// Task screens' server side: the index with recent run counts, saving from the editor's form, and
// the dry run (renders with event.preview = true, performs nothing). Every query is scoped by shop.
import { listEvents, type EventListRow } from "~/services/admin/events-list.server";
import prisma from "~/data/db.server";
import {
  BrokenScriptError,
  createTask,
  getTask,
  importTaskDraft,
  taskOptions,
  taskToDraft,
  updateTask,
  TaskValidationError,
} from "~/data/tasks.server";
import { scriptSyntaxError, type ScriptSyntaxError } from "~/domain/tasks/script-check";
import { coerceOptions, discoverOptionKeys } from "~/domain/tasks/options";
import { parseJson, stringifyJson } from "~/domain/json";
import { displayJson } from "~/domain/json-display";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import { subscriptionProblems, type TaskFormErrors, type TaskFormState } from "~/domain/tasks/task-form";
import type { DryRunResponse, DryRunResult, DryRunTopicResult, TaskTemplateChoice } from "~/domain/tasks/task-form";
import { parseTaskJson, stringifyTaskJson, type TaskDraft } from "~/domain/tasks/task-json";
import { parseTaskPayload, previewErrorSentence } from "~/domain/tasks/task-form";
import type { Task } from "@prisma/client";

import { TASK_TEMPLATES, findTaskTemplate } from "~/domain/tasks/templates";
import { nameProblem } from "~/domain/tasks/rules";
import { previewTask } from "~/domain/tasks/preview";
import { describeResponse } from "~/domain/actions/respond";
import { renderInPool } from "~/services/render/pool.server";
import type { RenderResult, ShopInfo } from "~/domain/tasks/render";
import { actionSentence } from "~/domain/liquid/action-sentence";
import { tasksChanged, type TasksChangedOptions } from "~/services/tasks/tasks-changed.server";
import { grantedScopes } from "~/services/shopify/access.server";
import { missingAccess } from "~/domain/shopify/task-access";

// The screens' actions call it after a write (enable, disable, delete in app/routes/app.tasks.$id.tsx).
export { tasksChanged };

/** The shipped templates (Echo, customer metafield, forward to a URL) as the editor offers them. */
function templateChoices(): TaskTemplateChoice[] {
  return TASK_TEMPLATES.map((template) => ({
    id: template.id,
    name: template.title,
    description: template.summary,
    subscriptions: template.draft.subscriptions.join("\n"),
    script: template.draft.script,
    options: template.draft.options,
  }));
}

/** Preview renders have no Admin API; the shop's identity is what the session knows. */
function previewShop(shop: string): ShopInfo {
  return {
    name: shop.replace(/\.myshopify\.com$/, ""),
    domain: shop,
    myshopify_domain: shop,
    email: "",
    currency: "USD",
    timezone: "UTC",
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function listTasksForIndex(shop: string, now = new Date()) {
  const since = new Date(now.getTime() - DAY_MS);
  const [tasks, runCounts, granted] = await Promise.all([
    prisma.task.findMany({
      where: { shop },
      orderBy: [{ name: "asc" }, { createdAt: "asc" }],
      select: {
        id: true,
        name: true,
        subscriptions: true,
        script: true,
        enabled: true,
        version: true,
        updatedAt: true,
      },
    }),
    prisma.taskRun.groupBy({
      by: ["taskId", "status"],
      where: { createdAt: { gte: since }, task: { shop } },
      _count: { _all: true },
    }),
    grantedScopes(shop),
  ]);
  return tasks.map(({ script, ...task }) => {
    const rows = runCounts.filter((r) => r.taskId === task.id);
    return {
      ...task,
      /** "Needs access to orders", or null when the shop has granted what the task needs. */
      needsAccess: missingAccess({ subscriptions: task.subscriptions, script }, granted)?.message ?? null,
      runsLastDay: rows.reduce((sum, r) => sum + r._count._all, 0),
      failedLastDay: rows.filter((r) => r.status === "failed").reduce((sum, r) => sum + r._count._all, 0),
    };
  });
}

/** The shop's webhook topics, offered as one-click subscriptions. */
export async function webhookTopics(shop: string) {
  const rows = await prisma.webhook.findMany({
    where: { shop, deletedAt: null },
    orderBy: { createdAt: "asc" },
    select: { topic: true, name: true },
  });
  return rows;
}

export type SaveResult =
  | { ok: true; id: string; version: number }
  /** brokenScript: the only problem is a script that does not parse; the editor asks before saving it enabled. */
  | { ok: false; errors: TaskFormErrors; brokenScript?: ScriptSyntaxError };

/** Validates the editor's state (subscriptions and options with their flags) and creates or updates the task. */
export async function saveTaskFromForm(
  shop: string,
  id: string | null,
  state: TaskFormState,
): Promise<SaveResult | null> {
  const errors: TaskFormErrors = {};
  const nameIssue = nameProblem(state.name);
  if (nameIssue) errors.name = nameIssue;
  // The server's rules (app/domain/tasks/subscriptions.ts) decide; the editor's inline check is a hint.
  const parsed = parseSubscriptions(state.subscriptions);
  const problems = parsed.errors.map((e) => `Line ${e.line}: ${e.message}`);
  if (problems.length === 0) problems.push(...subscriptionProblems(state.subscriptions));
  if (problems.length > 0) errors.subscriptions = problems.join(". ");
  const keys = discoverOptionKeys(state.script);
  const { values, errors: optionErrors } = coerceOptions(keys, state.options);
  if (Object.keys(optionErrors).length > 0) errors.options = optionErrors;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const input = {
    name: state.name,
    subscriptions: state.subscriptions,
    script: state.script,
    options: values,
    performActionRunsInSequence: state.performActionRunsInSequence,
    haltActionRunSequenceOnError: state.haltActionRunSequenceOnError,
    enabled: state.enabled,
    confirmBrokenScript: state.confirmBrokenScript === true,
  };
  try {
    if (id === null) {
      const template = state.template ? findTaskTemplate(state.template) : null;
      const task = await createTask(shop, {
        ...input,
        ...(template
          ? { docs: template.draft.docs, previewEventDefinitions: template.draft.previewEventDefinitions }
          : {}),
      });
      await tasksChanged(shop, "task created");
      return { ok: true, id: task.id, version: task.version };
    }
    const existing = await getTask(shop, id);
    if (!existing) return null;
    // Keys the editor does not show (docs, preview events, Mechanic extras) are kept.
    const kept = taskToDraft(existing);
    const task = await updateTask(shop, id, {
      ...input,
      subscriptionsTemplate: kept.subscriptionsTemplate,
      docs: kept.docs,
      previewEventDefinitions: kept.previewEventDefinitions,
      extra: kept.extra,
    });
    await tasksChanged(shop, "task saved");
    return { ok: true, id: task.id, version: task.version };
  } catch (error) {
    if (error instanceof BrokenScriptError) {
      return { ok: false, errors: { script: error.message }, brokenScript: error.syntax };
    }
    if (error instanceof TaskValidationError) return { ok: false, errors: { [error.field]: error.message } };
    throw error;
  }
}

export interface DryRunInput {
  script: string;
  options: TaskFormState["options"];
  taskId: string | null;
  taskName: string;
  /** Either a stored event of this shop... */
  eventId?: string | null;
  /** ...or pasted JSON data with a topic... */
  topic?: string;
  dataJson?: string;
  /** ...or every subscribed topic, as Mechanic previews a task (these subscriptions, one result each). */
  everyTopic?: { subscriptions: string; template?: string | null };
}

export type { DryRunResult };

/** Renders the script as a preview: event.preview is true, no Admin API, no cache, nothing performed. */
export async function dryRun(shop: string, input: DryRunInput): Promise<DryRunResult> {
  if (input.everyTopic) return dryRunEveryTopic(shop, input, input.everyTopic);
  let topic = input.topic?.trim() || "user/preview/test";
  let data: unknown = null;
  let eventId = "preview";
  let createdAt = new Date().toISOString();
  if (input.eventId) {
    const event = await prisma.event.findFirst({
      where: { id: input.eventId, shop },
      select: { id: true, topic: true, data: true, createdAt: true },
    });
    if (!event) return { ok: false, error: "That event does not exist in this store" };
    topic = event.topic;
    eventId = event.id;
    createdAt = event.createdAt.toISOString();
    try {
      data = parseJson(event.data);
    } catch {
      data = event.data;
    }
  } else {
    const text = (input.dataJson ?? "").trim();
    if (text !== "") {
      try {
        data = parseJson(text);
      } catch (error) {
        return {
          ok: false,
          error: `The event data is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }
  }
  const { values } = coerceOptions(discoverOptionKeys(input.script), input.options);
  const [preview] = await previewTask(
    draftFrom({ name: input.taskName || "Untitled task", subscriptions: topic, script: input.script }, values),
    {
      event: { id: eventId, topic, data, created_at: createdAt, source: input.eventId ? "user" : "preview" },
      shop: previewShop(shop),
      taskId: input.taskId ?? undefined,
      render: renderInPool, // off the web process's event loop (decision 0072)
    },
  );
  return { ok: true, ...shownResult(topic, preview!.result) };
}

/** A rendered preview as the dry-run panel shows it. */
function shownResult(topic: string, result: RenderResult, description?: string): DryRunTopicResult {
  return {
    topic,
    ...(description !== undefined ? { description } : {}),
    actions: result.actions.map((a) => ({
      type: a.type,
      options: stringify(a.options),
      // A respond action: what the webhook's caller would get.
      ...(a.type === "respond" ? { response: describeResponse(a.options) } : {}),
    })),
    logs: result.logs.map((entry) => (typeof entry === "string" ? entry : stringify(entry))),
    errors: result.errors,
    durationMs: result.durationMs,
  };
}

/**
 * Mechanic's preview: every subscribed topic is rendered, against the task's preview event
 * definitions, else the shop's latest event of that topic, else Shopify's example payload
 * (app/domain/tasks/preview.ts); one result per preview event.
 */
async function dryRunEveryTopic(
  shop: string,
  input: DryRunInput,
  every: NonNullable<DryRunInput["everyTopic"]>,
): Promise<DryRunResult> {
  const { values } = coerceOptions(discoverOptionKeys(input.script), input.options);
  const draft = draftFrom(
    {
      name: input.taskName || "Untitled task",
      subscriptions: every.subscriptions,
      script: input.script,
      template: every.template ?? undefined,
    },
    values,
  );
  const parsed = parseSubscriptions(draft.subscriptions);
  if (parsed.errors.length > 0)
    return { ok: false, error: `Subscriptions, line ${parsed.errors[0]!.line}: ${parsed.errors[0]!.message}` };
  if (parsed.subscriptions.length === 0) {
    return { ok: false, error: "Subscribe the task to a topic first: the dry run previews every subscribed topic." };
  }
  if (input.taskId && draft.previewEventDefinitions.length === 0) {
    // A saved (or imported) task keeps its own preview event definitions.
    const saved = await prisma.task.findFirst({ where: { id: input.taskId, shop } });
    if (saved) draft.previewEventDefinitions = taskToDraft(saved).previewEventDefinitions;
  }
  const previews = await previewTask(await withRecentEvents(shop, draft), {
    shop: previewShop(shop),
    taskId: input.taskId ?? undefined,
    render: renderInPool, // off the web process's event loop (decision 0072)
  });
  const perTopic = previews.map((p) => shownResult(p.event.topic, p.result, p.description));
  if (perTopic.length === 0) return { ok: false, error: "Nothing to preview: the task has no subscribed topics." };
  return { ok: true, ...perTopic[0]!, perTopic };
}

/** A dry run's action options or log entry for display, bounded like the event page (app/domain/json-display.ts). */
function stringify(value: unknown): string {
  try {
    const shown = displayJson(stringifyJson(value));
    return shown.truncated ? `${shown.text}\n… (shortened)` : shown.text;
  } catch {
    return String(value);
  }
}

export { taskOptions };

/** An event as the dry-run picker lists it. */
export function pickerEvent(row: Pick<EventListRow, "id" | "topic" | "createdAt" | "summary">) {
  return { id: row.id, topic: row.topic, createdAt: row.createdAt, summary: row.summary };
}

/** What the editor needs besides the task: webhook topics, recent events, templates. */
export async function editorContext(shop: string) {
  const [topics, events] = await Promise.all([webhookTopics(shop), listEvents(shop, {}, { limit: 25 })]);
  return {
    webhookTopics: topics,
    // The dry-run picker shows what the Events page shows: each event's summary (and searches it there).
    recentEvents: events.rows.map(pickerEvent),
    templates: templateChoices(),
  };
}

/** The editor's "dry-run" intent: the posted payload holds the script, options and the event choice. */
export async function dryRunFromForm(
  shop: string,
  payloadText: unknown,
  taskId: string | null,
): Promise<DryRunResponse> {
  const payload = parseTaskPayload(payloadText);
  if (!payload.ok) return { intent: "dry-run", result: { ok: false, error: payload.error } };
  const input = JSON.parse(String(payloadText)) as Record<string, unknown>;
  return {
    intent: "dry-run",
    result: await dryRun(shop, {
      script: payload.state.script,
      options: payload.state.options,
      taskId,
      taskName: payload.state.name,
      eventId: typeof input.eventId === "string" && input.eventId !== "" ? input.eventId : null,
      topic: typeof input.topic === "string" ? input.topic : "",
      dataJson: typeof input.dataJson === "string" ? input.dataJson : "",
      everyTopic:
        input.everyTopic === true
          ? { subscriptions: payload.state.subscriptions, template: payload.state.template ?? null }
          : undefined,
    }),
  };
}

export function exportTaskJson(task: Task): string {
  return stringifyTaskJson(taskToDraft(task));
}

export type ImportResult =
  { ok: true; id: string; name: string; replaced: boolean; warning: string | null } | { ok: false; errors: string[] };

/** Mechanic task JSON in; a task with the same name is replaced (Mechanic's rule). */
export async function importTaskJson(
  shop: string,
  text: string,
  changed: TasksChangedOptions = {},
): Promise<ImportResult> {
  const parsed = parseTaskJson(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  try {
    const { task, replaced, warning } = await importTaskDraft(shop, parsed.draft);
    await tasksChanged(shop, "task imported", changed);
    return { ok: true, id: task.id, name: task.name, replaced, warning };
  } catch (error) {
    if (error instanceof TaskValidationError) return { ok: false, errors: [error.message] };
    throw error;
  }
}

function draftFrom(
  state: Pick<TaskFormState, "name" | "subscriptions" | "script" | "template">,
  options: Record<string, unknown>,
): TaskDraft {
  const template = state.template ? findTaskTemplate(state.template) : null;
  return {
    name: state.name,
    subscriptions: state.subscriptions
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
    subscriptionsTemplate: null,
    script: state.script,
    options,
    docs: null,
    performActionRunsInSequence: false,
    haltActionRunSequenceOnError: false,
    previewEventDefinitions: template ? template.draft.previewEventDefinitions : [],
    extra: {},
  };
}

/** Without preview event definitions, Mechanic previews against a recent real event of each topic. */
async function withRecentEvents(shop: string, draft: TaskDraft): Promise<TaskDraft> {
  if (draft.previewEventDefinitions.length > 0) return draft;
  const topics = [...new Set(parseSubscriptions(draft.subscriptions).subscriptions.map((s) => s.topic))];
  const definitions = [];
  for (const topic of topics.slice(0, 10)) {
    const recent = await prisma.event.findFirst({
      where: { shop, topic },
      orderBy: { createdAt: "desc" },
      select: { data: true },
    });
    let data: unknown = null;
    if (recent) {
      try {
        data = parseJson(recent.data);
      } catch {
        data = recent.data;
      }
    }
    definitions.push({ description: topic, event_attributes: { topic, data } });
  }
  return { ...draft, previewEventDefinitions: definitions };
}

/**
 * The action preview sentence ("When user/webhook/test is triggered… Echo"): the script is
 * previewed once per subscribed topic (or per preview event definition) and the action types it
 * renders are named.
 */
export async function sentenceForDraft(shop: string, draft: TaskDraft, taskId?: string): Promise<string> {
  let types: string[] = [];
  const syntax = scriptSyntaxError(draft.script);
  if (syntax) return previewErrorSentence(syntax.message);
  if (parseSubscriptions(draft.subscriptions).subscriptions.length > 0 && draft.script.trim() !== "") {
    const previews = await previewTask(await withRecentEvents(shop, draft), {
      shop: previewShop(shop),
      taskId,
      render: renderInPool,
    });
    types = previews.flatMap((p) => p.result.actions.map((a) => a.type));
    // A script that fails for every preview event performs nothing: say why rather than "no actions".
    const firstError = previews.find((p) => p.result.errors.length > 0)?.result.errors[0];
    if (types.length === 0 && firstError) return previewErrorSentence(firstError);
  }
  return actionSentence(draft.subscriptions, types);
}

export function taskSentence(shop: string, task: Task): Promise<string> {
  return sentenceForDraft(shop, taskToDraft(task), task.id);
}

/** The editor's live "sentence" intent: the unsaved script and subscriptions. */
export async function sentenceFromForm(
  shop: string,
  payloadText: unknown,
): Promise<{ intent: "sentence"; sentence: string | null }> {
  const payload = parseTaskPayload(payloadText);
  if (!payload.ok) return { intent: "sentence", sentence: null };
  const { values } = coerceOptions(discoverOptionKeys(payload.state.script), payload.state.options);
  const draft = draftFrom(payload.state, values);
  if (parseSubscriptions(draft.subscriptions).errors.length > 0) return { intent: "sentence", sentence: null };
  return { intent: "sentence", sentence: await sentenceForDraft(shop, draft) };
}
