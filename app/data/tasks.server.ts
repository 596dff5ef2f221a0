// Tasks per shop: create, update (bumps the version), enable/disable, delete, list, and the lookup
// the runner uses. Subscriptions are stored one per line; options as a JSON object.
import { randomUUID } from "node:crypto";
import type { PrismaClient, Task } from "@prisma/client";
import defaultPrisma from "~/data/db.server";
import { parseJson, stringifyJson } from "~/domain/json";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import {
  parseTaskJson,
  stringifyTaskJson,
  type PreviewEventDefinition,
  type TaskDraft,
} from "~/domain/tasks/task-json";
import { nameProblem, scriptProblem } from "~/domain/tasks/rules";
import {
  brokenScriptExplanation,
  importedDisabledWarning,
  scriptSyntaxError,
  type ScriptSyntaxError,
} from "~/domain/tasks/script-check";
import { EMAIL_NOT_CONFIGURED_AT_SAVE, usesEmailAction } from "~/domain/actions/email";
import { smtpUrl } from "~/config.server";
import { subscriptionFor, type Subscription } from "~/domain/runs/topic-subscription";

/** `field` says which of the editor's fields the message belongs to. */
export class TaskValidationError extends Error {
  constructor(
    message: string,
    readonly field: "name" | "script" | "subscriptions" | "form" = "form",
  ) {
    super(message);
    this.name = "TaskValidationError";
  }
}

/**
 * The task would be enabled with a script that does not parse (every event would end in a failed
 * run). Saving it enabled takes the merchant's confirmation (TaskInput.confirmBrokenScript).
 */
export class BrokenScriptError extends TaskValidationError {
  constructor(readonly syntax: ScriptSyntaxError) {
    super(brokenScriptExplanation(syntax), "script");
    this.name = "BrokenScriptError";
  }
}

export class TaskNotFoundError extends Error {
  constructor(id: string) {
    super(`no task ${id} in this shop`);
    this.name = "TaskNotFoundError";
  }
}

export interface TaskInput {
  name: string;
  /** One topic per line (or a list), each with an optional +N.unit offset. */
  subscriptions: string | string[];
  subscriptionsTemplate?: string | null;
  script: string;
  options?: Record<string, unknown>;
  docs?: string | null;
  performActionRunsInSequence?: boolean;
  haltActionRunSequenceOnError?: boolean;
  previewEventDefinitions?: unknown[];
  /** Mechanic task keys Hookline keeps but does not use (shopify_api_version, ...). */
  extra?: Record<string, unknown>;
  enabled?: boolean;
  /** The merchant saw the script's syntax error and still wants the task enabled. */
  confirmBrokenScript?: boolean;
}

/** Refuses an enabled task whose script does not parse, unless the merchant confirmed it. */
function checkEnabledScript(script: string, enabled: boolean, confirmed = false): void {
  if (!enabled || confirmed) return;
  const syntax = scriptSyntaxError(script);
  if (syntax) throw new BrokenScriptError(syntax);
}

/** Normalizes and checks subscriptions; returns the stored text (one per line). */
export function normalizeSubscriptions(value: string | string[]): string {
  const lines = (Array.isArray(value) ? value : String(value).split(/\r?\n/))
    .map((l) => String(l).trim())
    .filter(Boolean);
  const parsed = parseSubscriptions(lines);
  if (parsed.errors.length) {
    throw new TaskValidationError(
      parsed.errors.map((e) => `subscription ${e.line}: ${e.message}`).join("; "),
      "subscriptions",
    );
  }
  return lines.join("\n");
}

function validate(input: TaskInput): void {
  const nameIssue = nameProblem(typeof input.name === "string" ? input.name : "");
  if (nameIssue) throw new TaskValidationError(nameIssue, "name");
  if (typeof input.script !== "string") throw new TaskValidationError("Script must be text", "script");
  const scriptIssue = scriptProblem(input.script);
  if (scriptIssue) throw new TaskValidationError(scriptIssue, "script");
  // What the app accepts, it does: an email task is refused while no SMTP server is configured.
  if (usesEmailAction(input.script) && !smtpUrl())
    throw new TaskValidationError(EMAIL_NOT_CONFIGURED_AT_SAVE, "script");
  if (
    input.options !== undefined &&
    (typeof input.options !== "object" || input.options === null || Array.isArray(input.options))
  ) {
    throw new TaskValidationError("task options must be an object");
  }
  if (input.previewEventDefinitions !== undefined && !Array.isArray(input.previewEventDefinitions)) {
    throw new TaskValidationError("preview_event_definitions must be a list");
  }
}

function toRow(input: TaskInput) {
  validate(input);
  return {
    name: input.name.trim(),
    subscriptions: normalizeSubscriptions(input.subscriptions),
    subscriptionsTemplate: input.subscriptionsTemplate ?? null,
    script: input.script,
    options: stringifyJson(input.options ?? {}),
    docs: input.docs ?? null,
    performActionRunsInSequence: input.performActionRunsInSequence ?? false,
    haltActionRunSequenceOnError: input.haltActionRunSequenceOnError ?? false,
    previewEventDefinitions: stringifyJson(input.previewEventDefinitions ?? []),
    extra: stringifyJson(input.extra ?? {}),
    ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
  };
}

export async function createTask(shop: string, input: TaskInput, db: PrismaClient = defaultPrisma): Promise<Task> {
  const row = toRow(input);
  checkEnabledScript(row.script, input.enabled ?? true, input.confirmBrokenScript);
  const task = await db.task.create({ data: { id: randomUUID(), shop, ...row } });
  return task;
}

export async function getTask(shop: string, id: string, db: PrismaClient = defaultPrisma): Promise<Task | null> {
  return db.task.findFirst({ where: { id, shop } });
}

export async function requireTask(shop: string, id: string, db: PrismaClient = defaultPrisma): Promise<Task> {
  const task = await getTask(shop, id, db);
  if (!task) throw new TaskNotFoundError(id);
  return task;
}

export async function listTasks(shop: string, db: PrismaClient = defaultPrisma): Promise<Task[]> {
  return db.task.findMany({ where: { shop }, orderBy: [{ name: "asc" }, { createdAt: "asc" }] });
}

/** Replaces the task's configuration and bumps its version. */
export async function updateTask(
  shop: string,
  id: string,
  input: TaskInput,
  db: PrismaClient = defaultPrisma,
): Promise<Task> {
  const existing = await requireTask(shop, id, db);
  const row = toRow(input);
  checkEnabledScript(row.script, input.enabled ?? existing.enabled, input.confirmBrokenScript);
  const task = await db.task.update({ where: { id }, data: { ...row, version: { increment: 1 } } });
  return task;
}

export async function setTaskEnabled(
  shop: string,
  id: string,
  enabled: boolean,
  db: PrismaClient = defaultPrisma,
): Promise<Task> {
  const existing = await requireTask(shop, id, db);
  if (enabled && !existing.enabled) {
    const syntax = scriptSyntaxError(existing.script);
    if (syntax) {
      throw new TaskValidationError(
        `Not enabled: ${syntax.message}. Fix the script (or open the task and save it enabled).`,
        "script",
      );
    }
  }
  const task = await db.task.update({ where: { id }, data: { enabled, version: { increment: 1 } } });
  return task;
}

export async function deleteTask(shop: string, id: string, db: PrismaClient = defaultPrisma): Promise<void> {
  const { count } = await db.task.deleteMany({ where: { id, shop } });
  if (count === 0) throw new TaskNotFoundError(id);
}

/** Creates the task, or replaces the configuration of the shop's task with the same name. */
export async function upsertTaskByName(
  shop: string,
  input: TaskInput,
  db: PrismaClient = defaultPrisma,
): Promise<{ task: Task; replaced: boolean }> {
  const existing = await db.task.findFirst({ where: { shop, name: input.name.trim() }, orderBy: { createdAt: "asc" } });
  if (existing) return { task: await updateTask(shop, existing.id, input, db), replaced: true };
  return { task: await createTask(shop, input, db), replaced: false };
}

/** Enabled tasks of the shop subscribed to `topic`, each with its matching subscription. */
export async function findSubscribedTasks(
  shop: string,
  topic: string,
  db: PrismaClient = defaultPrisma,
): Promise<{ task: Task; subscription: Subscription }[]> {
  const candidates = await db.task.findMany({
    where: { shop, enabled: true, subscriptions: { contains: topic } },
    orderBy: { createdAt: "asc" },
  });
  const found: { task: Task; subscription: Subscription }[] = [];
  for (const task of candidates) {
    const subscription = subscriptionFor(task.subscriptions, topic);
    if (subscription) found.push({ task, subscription });
  }
  return found;
}

/** The task's stored options as an object. */
export function taskOptions(task: Pick<Task, "options">): Record<string, unknown> {
  try {
    const value = parseJson(task.options);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The stored task as the task module's draft (for export, preview and the editor). */
export function taskToDraft(task: Task): TaskDraft {
  const parse = (text: string, fallback: unknown) => {
    try {
      return parseJson(text);
    } catch {
      return fallback;
    }
  };
  const extra = parse(task.extra, {});
  const previews = parse(task.previewEventDefinitions, []);
  return {
    name: task.name,
    subscriptions: task.subscriptions.split(/\r?\n/).filter((l) => l.trim() !== ""),
    subscriptionsTemplate: task.subscriptionsTemplate,
    script: task.script,
    options: taskOptions(task),
    docs: task.docs,
    performActionRunsInSequence: task.performActionRunsInSequence,
    haltActionRunSequenceOnError: task.haltActionRunSequenceOnError,
    previewEventDefinitions: Array.isArray(previews) ? (previews as PreviewEventDefinition[]) : [],
    extra:
      typeof extra === "object" && extra !== null && !Array.isArray(extra) ? (extra as Record<string, unknown>) : {},
  };
}

export function draftToInput(draft: TaskDraft): TaskInput {
  return {
    name: draft.name,
    subscriptions: draft.subscriptions,
    subscriptionsTemplate: draft.subscriptionsTemplate,
    script: draft.script,
    options: draft.options,
    docs: draft.docs,
    performActionRunsInSequence: draft.performActionRunsInSequence,
    haltActionRunSequenceOnError: draft.haltActionRunSequenceOnError,
    previewEventDefinitions: draft.previewEventDefinitions,
    extra: draft.extra,
  };
}

/**
 * Imports a parsed task (the app's Import and `hookline tasks import`): a task with the same name
 * in the shop is replaced (version bumped). A script that does not parse is imported disabled, and
 * `warning` says so (an import cannot ask).
 */
export async function importTaskDraft(
  shop: string,
  draft: TaskDraft,
  db: PrismaClient = defaultPrisma,
): Promise<{ task: Task; replaced: boolean; warning: string | null }> {
  const syntax = scriptSyntaxError(draft.script);
  const input = draftToInput(draft);
  if (syntax) input.enabled = false;
  const { task, replaced } = await upsertTaskByName(shop, input, db);
  return { task, replaced, warning: syntax ? importedDisabledWarning(syntax) : null };
}

/** Imports Mechanic task JSON text (see importTaskDraft). */
export async function importTaskJson(
  shop: string,
  text: string,
  db: PrismaClient = defaultPrisma,
): Promise<{ task: Task; replaced: boolean; warning: string | null }> {
  const parsed = parseTaskJson(text);
  if (!parsed.ok) throw new TaskValidationError(parsed.errors.join("; "));
  return importTaskDraft(shop, parsed.draft, db);
}

/** The shop's task as Mechanic task JSON text. */
export async function exportTaskJson(shop: string, id: string, db: PrismaClient = defaultPrisma): Promise<string> {
  return stringifyTaskJson(taskToDraft(await requireTask(shop, id, db)));
}
