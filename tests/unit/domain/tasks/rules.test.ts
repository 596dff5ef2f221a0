import { describe, expect, it } from "vitest";
import { MAX_SCRIPT_LENGTH, MAX_TASK_JSON_LENGTH, scriptProblem, taskJsonSizeProblem } from "~/domain/tasks/rules";
import { parseTaskJson, taskDraftFromJson } from "~/domain/tasks/task-json";

describe("task limits", () => {
  it("scripts: at most 200,000 characters, the same for the model and the importer", () => {
    expect(scriptProblem("x".repeat(MAX_SCRIPT_LENGTH))).toBeNull();
    expect(scriptProblem("x".repeat(MAX_SCRIPT_LENGTH + 1))).toBe("Script is 200001 characters; the limit is 200000");
    expect(taskDraftFromJson({ name: "Big", script: "x".repeat(MAX_SCRIPT_LENGTH) }).ok).toBe(true);
    expect(taskDraftFromJson({ name: "Big", script: "x".repeat(MAX_SCRIPT_LENGTH + 1) }).ok).toBe(false);
  });

  it("task JSON: at most 2 MB, checked before parsing", () => {
    expect(taskJsonSizeProblem("x".repeat(MAX_TASK_JSON_LENGTH))).toBeNull();
    const tooBig = "x".repeat(MAX_TASK_JSON_LENGTH + 1);
    expect(parseTaskJson(tooBig)).toEqual({ ok: false, errors: [taskJsonSizeProblem(tooBig)] });
  });
});
