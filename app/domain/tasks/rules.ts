// The limits of a task, in one place: the editor, the model (app/data/tasks.server.ts), the CLI and
// the Mechanic task JSON importer (task-json.ts) all check these.
export { MAX_NAME_LENGTH, nameProblem } from "~/domain/names";

/** Longest script (and docs) a task may hold. The longest in Mechanic's task library is about 50,000. */
export const MAX_SCRIPT_LENGTH = 200_000;

/** Largest task JSON text the importer reads (the app's Import and `hookline tasks import`). */
export const MAX_TASK_JSON_LENGTH = 2_000_000;

export function scriptProblem(script: string): string | null {
  return script.length > MAX_SCRIPT_LENGTH
    ? `Script is ${script.length} characters; the limit is ${MAX_SCRIPT_LENGTH}`
    : null;
}

export function taskJsonSizeProblem(text: string): string | null {
  return text.length > MAX_TASK_JSON_LENGTH
    ? `Task JSON is ${text.length} characters; the limit is ${MAX_TASK_JSON_LENGTH} (2 MB)`
    : null;
}
