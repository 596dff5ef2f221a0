// The name a merchant gives a webhook or a task: one rule for the forms, the models, the CLI and the
// task importer.

export const MAX_NAME_LENGTH = 255;

/** What is wrong with a name (it is trimmed first), or null when it is fine. */
export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "Name is required";
  if (trimmed.length > MAX_NAME_LENGTH) return `Name is ${trimmed.length} characters; the limit is ${MAX_NAME_LENGTH}`;
  return null;
}
