// Checks Mechanic task JSON files the way a merchant would use them: import each one, then preview
// it, and count the tasks whose preview renders without an error. `npm run check:library -- DIR`
// (scripts/check-library.ts) runs it over a directory such as the task library's tasks/.
import { describeOption, discoverOptionKeys, validateOptions } from "./options";
import { previewTask } from "./preview";
import type { ShopInfo } from "./render";
import { parseTaskJson } from "./task-json";

export interface LibraryTaskResult {
  file: string;
  imported: boolean;
  /** Import errors, or the Liquid errors of the first failing preview. */
  errors: string[];
  /** Previewed without a Liquid error (the task's own error objects are allowed). */
  previewed: boolean;
  /** Error objects the task rendered, e.g. asking for an option to be filled in. */
  errorObjects: string[];
  /** Required options the task JSON leaves empty (the library ships many unconfigured). */
  emptyRequiredOptions: string[];
}

export interface LibrarySummary {
  total: number;
  imported: number;
  previewed: number;
  /** Previewed tasks that rendered an error object (usually: an option to fill in). */
  withErrorObjects: number;
  /** Failure causes, most tasks first: a normalized message and the tasks it blocks. */
  causes: { stage: "import" | "preview"; cause: string; files: string[] }[];
}

export const LIBRARY_CHECK_SHOP: ShopInfo = {
  name: "Library check",
  domain: "library-check.example.com",
  myshopify_domain: "library-check.myshopify.com",
  email: "owner@library-check.example.com",
  currency: "USD",
  timezone: "UTC",
  iana_timezone: "UTC",
};

export async function checkLibraryTask(
  file: string,
  text: string,
  shop: ShopInfo = LIBRARY_CHECK_SHOP,
): Promise<LibraryTaskResult> {
  const parsed = parseTaskJson(text);
  if (!parsed.ok)
    return {
      file,
      imported: false,
      previewed: false,
      errors: parsed.errors,
      errorObjects: [],
      emptyRequiredOptions: [],
    };
  const { draft } = parsed;
  const keys = [
    ...new Set([...Object.keys(draft.options), ...discoverOptionKeys(draft.script, draft.subscriptionsTemplate ?? "")]),
  ];
  const emptyRequiredOptions = Object.entries(validateOptions(keys, draft.options))
    .filter(([key, message]) => describeOption(key).required && / is required$| must be checked$/.test(message))
    .map(([key]) => key);
  const previews = await previewTask(draft, { shop, taskId: `check-${file}` });
  const liquidErrors = previews.map(({ result }) => withoutErrorObjects(result.errors, result.errorObjects ?? []));
  const failing = liquidErrors.find((errors) => errors.length > 0);
  return {
    file,
    imported: true,
    previewed: !failing,
    errors: failing ?? [],
    errorObjects: previews.flatMap(({ result }) => result.errorObjects ?? []),
    emptyRequiredOptions,
  };
}

function withoutErrorObjects(errors: string[], errorObjects: string[]): string[] {
  const remaining = [...errorObjects];
  return errors.filter((error) => {
    const index = remaining.indexOf(error);
    if (index < 0) return true;
    remaining.splice(index, 1);
    return false;
  });
}

/** One message per cause: without positions, quoted specifics and numbers. */
export function normalizeCause(message: string): string {
  return message
    .replace(/\s*\(line \d+, column \d+\)/g, "")
    .replace(
      /(undefined filter:?|unknown filter|tag) ("[^"]*"|\S+)/,
      (_, what: string, name: string) => `${what} ${name}`,
    )
    .replace(/"(?:[^"\\]|\\.){25,}"/g, '"…"')
    .replace(/\b\d{3,}\b/g, "N")
    .slice(0, 160);
}

export function summarize(results: LibraryTaskResult[]): LibrarySummary {
  const groups = new Map<string, { stage: "import" | "preview"; cause: string; files: string[] }>();
  for (const result of results) {
    if (result.previewed) continue;
    const stage = result.imported ? "preview" : "import";
    const empty = result.emptyRequiredOptions.length > 0 ? "[required options empty] " : "";
    const cause = empty + normalizeCause(result.errors[0] ?? "(no message)");
    const key = `${stage}\n${cause}`;
    const group = groups.get(key) ?? { stage, cause, files: [] };
    group.files.push(result.file);
    groups.set(key, group);
  }
  return {
    total: results.length,
    imported: results.filter((result) => result.imported).length,
    previewed: results.filter((result) => result.previewed).length,
    withErrorObjects: results.filter((result) => result.previewed && result.errorObjects.length > 0).length,
    causes: [...groups.values()].sort((a, b) => b.files.length - a.files.length || a.cause.localeCompare(b.cause)),
  };
}

export function formatSummary(summary: LibrarySummary, examples = 3): string {
  const { total, imported, previewed } = summary;
  const lines = [`${imported}/${total} import, ${previewed}/${total} preview without a Liquid error`];
  if (summary.withErrorObjects)
    lines.push(`(${summary.withErrorObjects} of those render an error object of their own, e.g. asking for an option)`);
  if (summary.causes.length) lines.push("", "failure causes (tasks, stage, first error):");
  for (const { stage, cause, files } of summary.causes) {
    const shown =
      files.slice(0, examples).join(", ") + (files.length > examples ? `, +${files.length - examples}` : "");
    lines.push(`${String(files.length).padStart(4)}  ${stage.padEnd(7)} ${cause}`, `        ${shown}`);
  }
  return lines.join("\n");
}
