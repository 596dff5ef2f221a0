// The "echo" action: its result is its options. `__error` forces a failure (Mechanic's test hook).
import { isPlainObject, permanentFailure, succeeded, type ActionOutcome } from "./types";

export function performEcho(options: unknown): ActionOutcome {
  if (isPlainObject(options) && "__error" in options && options.__error !== false && options.__error !== null) {
    const reason = options.__error;
    const message =
      typeof reason === "string" && reason.trim() !== "" ? reason : "echo action failed on request (__error)";
    return permanentFailure(message, options);
  }
  return succeeded(options === undefined ? null : options);
}
