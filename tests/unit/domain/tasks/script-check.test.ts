// One rule for "does this task's Liquid parse?", with the line and column of the first error.
import { describe, expect, it } from "vitest";
import { scriptSyntaxError, importedDisabledWarning } from "~/domain/tasks/script-check";
import { isPreviewErrorSentence, previewErrorSentence } from "~/domain/tasks/task-form";

describe("scriptSyntaxError", () => {
  it("is null for Liquid that parses, including an empty script", () => {
    expect(scriptSyntaxError('{% action "echo", event.data %}')).toBeNull();
    expect(scriptSyntaxError("")).toBeNull();
  });

  it("gives the message with its line and column", () => {
    expect(scriptSyntaxError("ok\n\n  {{ name ")).toEqual({
      message: 'Liquid syntax error: output "{{ name " not closed (line 3, column 3)',
      line: 3,
      column: 3,
    });
    expect(scriptSyntaxError("{% unknown_tag %}")).toMatchObject({ line: 1, column: 1 });
    expect(scriptSyntaxError("{% for x in y %}")?.message).toMatch(
      /^Liquid syntax error: tag \{% for x in y %\} not closed/,
    );
  });

  it("refuses nesting deeper than Ruby Liquid allows, without a position", () => {
    const deep = "{% if a %}".repeat(150) + "{% endif %}".repeat(150);
    expect(scriptSyntaxError(deep)).toMatchObject({ line: null, column: null });
  });

  it("words the import warning and the preview sentence", () => {
    const error = scriptSyntaxError("{{ x")!;
    expect(importedDisabledWarning(error)).toBe(
      `Imported disabled: ${error.message}. Fix the script, then enable the task.`,
    );
    expect(isPreviewErrorSentence(previewErrorSentence(error.message))).toBe(true);
    expect(isPreviewErrorSentence("When user/a/b is triggered… Echo")).toBe(false);
    expect(isPreviewErrorSentence(null)).toBe(false);
  });
});
