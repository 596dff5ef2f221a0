// One rule for a task's Liquid: does it parse? Used by the editor's save (which asks before saving
// a broken script enabled), the task model (app/data/tasks.server.ts refuses to enable one
// unconfirmed), the importer and the CLI (which import it disabled, saying why), and the live
// action preview (which shows the error instead of "no actions").
import { defaultEngine, LiquidScriptError, type LiquidEngine } from "~/domain/liquid/engine";

export interface ScriptSyntaxError {
  /** "Liquid syntax error: ... (line 3, column 5)" */
  message: string;
  line: number | null;
  column: number | null;
}

/** The script's first Liquid syntax error, or null when it parses. Nothing is rendered. */
export function scriptSyntaxError(script: string, engine: LiquidEngine = defaultEngine): ScriptSyntaxError | null {
  try {
    engine.parse(script);
    return null;
  } catch (error) {
    if (!(error instanceof LiquidScriptError)) throw error;
    const position = /\(line (\d+), column (\d+)\)/.exec(error.message);
    return {
      message: error.message,
      line: position ? Number(position[1]) : null,
      column: position ? Number(position[2]) : null,
    };
  }
}

/** Why a task with this error will not be enabled without the merchant's say-so. */
export function brokenScriptExplanation(error: ScriptSyntaxError): string {
  return `${error.message}. While the script does not parse, every event it receives ends in a failed run.`;
}

/** What an import says when it keeps a task disabled because its script does not parse. */
export function importedDisabledWarning(error: ScriptSyntaxError): string {
  return `Imported disabled: ${error.message}. Fix the script, then enable the task.`;
}
