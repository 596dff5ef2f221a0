// What the local store needs from the app's configuration file (shopify.app.toml), the way
// Shopify reads it on deploy: the required and optional access scopes, and the app-wide webhook
// subscriptions (topics and uri). Only this small part of TOML is read: `key = "string"`,
// `key = [ "a", "b" ]` and the `[access_scopes]`, `[webhooks]` and `[[webhooks.subscriptions]]` tables.
import { existsSync, readFileSync } from "node:fs";

export interface AppWebhookSubscription {
  topics: string[];
  uri: string;
}

export interface LocalAppConfig {
  scopes: string[];
  optionalScopes: string[];
  webhooksApiVersion: string | null;
  subscriptions: AppWebhookSubscription[];
}

function parseValue(raw: string): string | string[] | null {
  const text = raw.trim();
  if (text.startsWith('"')) return JSON.parse(text.replace(/\s+#.*$/, "")) as string;
  if (text.startsWith("[")) {
    return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1]}"`) as string);
  }
  return null;
}

export function splitScopes(scopes: string | readonly string[]): string[] {
  const list = typeof scopes === "string" ? scopes.split(",") : scopes;
  return [...new Set(list.map((scope) => scope.trim()).filter((scope) => scope !== ""))];
}

export function parseAppConfig(toml: string): LocalAppConfig {
  const config: LocalAppConfig = { scopes: [], optionalScopes: [], webhooksApiVersion: null, subscriptions: [] };
  let table = "";
  let current: { topics: string[]; uri: string } | null = null;
  // Arrays may span lines: join a line that opens `[` with those that follow until it closes.
  const lines: string[] = [];
  for (const line of toml.split(/\r?\n/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && /=\s*\[[^\]]*$/.test(last)) lines[lines.length - 1] = `${last} ${line.trim()}`;
    else lines.push(line);
  }
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const arrayTable = /^\[\[([^\]]+)\]\]$/.exec(line);
    if (arrayTable) {
      table = arrayTable[1].trim();
      current = null;
      if (table === "webhooks.subscriptions") {
        current = { topics: [], uri: "" };
        config.subscriptions.push(current);
      }
      continue;
    }
    const plainTable = /^\[([^\]]+)\]$/.exec(line);
    if (plainTable) {
      table = plainTable[1].trim();
      current = null;
      continue;
    }
    const assignment = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (!assignment) continue;
    const value = parseValue(assignment[2]);
    const [key] = [assignment[1]];
    if (table === "access_scopes" && key === "scopes" && typeof value === "string") config.scopes = splitScopes(value);
    if (table === "access_scopes" && key === "optional_scopes" && Array.isArray(value))
      config.optionalScopes = splitScopes(value);
    if (table === "webhooks" && key === "api_version" && typeof value === "string") config.webhooksApiVersion = value;
    if (current && key === "topics" && Array.isArray(value)) current.topics = value;
    if (current && key === "uri" && typeof value === "string") current.uri = value;
  }
  config.subscriptions = config.subscriptions.filter((subscription) => subscription.topics.length > 0);
  return config;
}

/** Reads shopify.app.toml from the working directory, or an empty configuration when absent. */
export function readAppConfig(path = "shopify.app.toml"): LocalAppConfig {
  if (!existsSync(path)) return { scopes: [], optionalScopes: [], webhooksApiVersion: null, subscriptions: [] };
  return parseAppConfig(readFileSync(path, "utf8"));
}
