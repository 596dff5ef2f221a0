// A shop's settings and the validation of the Settings form. Pure: the action uses it, and its
// messages are shown inline. The rate limit's range is the webhooks' (app/domain/webhooks/rules.ts).
import { RATE_LIMIT_PER_MINUTE } from "../webhooks/rules";

export { RATE_LIMIT_PER_MINUTE };
export const RETENTION_DAYS = { min: 1, max: 365 } as const;
/** How long finished events are kept when a shop has not chosen (Mechanic keeps them 15 days). */
export const DEFAULT_RETENTION_DAYS = 15;
export const MAX_CORS_ORIGINS = 50;

export interface SettingsInput {
  corsOrigins: string;
  retentionDays: string;
  rateLimitPerMinute: string;
}

export interface SettingsValues {
  corsOrigins: string[];
  retentionDays: number;
  /** null: the app's default (INGRESS_RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute: number | null;
}

export type SettingsErrors = Partial<Record<keyof SettingsInput, string>>;

export type SettingsValidation = { ok: true; values: SettingsValues } | { ok: false; errors: SettingsErrors };

function originOf(text: string): string | null {
  try {
    const url = new URL(text);
    return url.hostname ? url.origin : null;
  } catch {
    return null;
  }
}

/** One origin ("https://shop.example.com" or "http://localhost:8080"): its normalized form, or what is wrong. */
export function checkOrigin(entry: string): { origin: string } | { error: string } {
  const text = entry.trim();
  if (text.includes("*")) return { error: `"${text}": wildcards are not supported; list each origin` };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // The suggestion must itself be accepted: only the origin, whatever path or query followed.
    const suggested = originOf(`https://${text.replace(/^\/+/, "")}`);
    if (!suggested) return { error: `"${text}" is not a valid origin` };
    return { error: `"${text}" has no scheme; write it as ${suggested}` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `"${text}" is not a valid origin` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { error: `"${text}" must use https:// or http://` };
  }
  if (url.username || url.password) return { error: `"${text}" must not contain a user name or password` };
  if (url.pathname !== "/" || url.search || url.hash || /[?#]/.test(text) || /\/\/[^/]+\/.+/.test(text)) {
    return { error: `"${text}" has a path, query or fragment; an origin is only scheme://host[:port]` };
  }
  return { origin: url.origin };
}

/** Origins one per line (commas also accepted); blank lines ignored; duplicates removed. */
export function parseOrigins(text: string): { origins: string[]; errors: string[] } {
  const origins: string[] = [];
  const errors: string[] = [];
  for (const entry of text.split(/[\n,]/)) {
    if (entry.trim() === "") continue;
    const checked = checkOrigin(entry);
    if ("error" in checked) errors.push(checked.error);
    else if (!origins.includes(checked.origin)) origins.push(checked.origin);
  }
  if (origins.length > MAX_CORS_ORIGINS) errors.push(`At most ${MAX_CORS_ORIGINS} origins are allowed`);
  return { origins, errors };
}

function parseWholeNumber(text: string, label: string, range: { min: number; max: number }): number | string {
  const trimmed = text.trim();
  if (trimmed === "") return `${label} is required`;
  // A negative whole number is a whole number: say what range is allowed instead.
  if (!/^-?\d+$/.test(trimmed)) return `${label} must be a whole number`;
  const value = Number(trimmed);
  if (value < range.min || value > range.max)
    return `${label} must be between ${range.min} and ${range.max.toLocaleString("en-US")}`;
  return value;
}

export function validateSettings(input: SettingsInput): SettingsValidation {
  const errors: SettingsErrors = {};
  const { origins, errors: originErrors } = parseOrigins(input.corsOrigins);
  if (originErrors.length > 0) errors.corsOrigins = originErrors.join(". ");
  const retention = parseWholeNumber(input.retentionDays, "Retention", RETENTION_DAYS);
  if (typeof retention === "string") errors.retentionDays = retention;
  const rate =
    input.rateLimitPerMinute.trim() === ""
      ? null
      : parseWholeNumber(input.rateLimitPerMinute, "Rate limit", RATE_LIMIT_PER_MINUTE);
  if (typeof rate === "string") errors.rateLimitPerMinute = rate;
  if (Object.keys(errors).length > 0 || typeof retention === "string" || typeof rate === "string") {
    return { ok: false, errors };
  }
  return { ok: true, values: { corsOrigins: origins, retentionDays: retention, rateLimitPerMinute: rate } };
}
