// Which access scopes a task needs that the shop has not granted: one for each Shopify topic it
// subscribes to (read_orders for shopify/orders/*; the catalog's rule) and each scope its
// `{% permissions %}` blocks declare. A task that needs more is saved; its page and list row say
// "Needs access to orders" with a button that asks for the scopes (App Bridge scopes.request), and
// its subscriptions are created once Shopify reports the grant (app/scopes_update).
import { parsePermissionsText } from "~/domain/liquid/tags";
import { parseSubscriptions } from "~/domain/tasks/subscriptions";
import { missingScopeFor, scopeGranted, scopeResourceName, shopifyTopicByMechanic } from "./topics";

export interface MissingAccess {
  /** Scopes to request, in the order they were found, each once. */
  scopes: string[];
  /** "Needs access to orders and products". */
  message: string;
}

const PERMISSIONS_BLOCK = /\{%-?\s*permissions\s*-?%\}([\s\S]*?)\{%-?\s*endpermissions\s*-?%\}/g;

/** The scopes the script's `{% permissions %}` blocks declare (malformed blocks are the editor's to report). */
export function declaredPermissions(script: string): string[] {
  const scopes: string[] = [];
  for (const match of script.matchAll(PERMISSIONS_BLOCK)) {
    try {
      scopes.push(...parsePermissionsText(match[1] ?? ""));
    } catch {
      // reported when the script is checked or rendered
    }
  }
  return scopes;
}

/** "orders", "orders and products", "orders, products and draft orders". */
function listOf(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** What the task needs beyond `granted`, or null when it has all it needs. */
export function missingAccess(
  task: { subscriptions: string; script: string },
  granted: readonly string[],
): MissingAccess | null {
  const scopes: string[] = [];
  const add = (scope: string | null) => {
    if (scope && !scopes.includes(scope)) scopes.push(scope);
  };
  for (const { topic } of parseSubscriptions(task.subscriptions).subscriptions) {
    const known = shopifyTopicByMechanic(topic);
    if (known) add(missingScopeFor(known, granted));
  }
  for (const scope of declaredPermissions(task.script)) if (!scopeGranted(granted, scope)) add(scope);
  if (scopes.length === 0) return null;
  const resources = [...new Set(scopes.map(scopeResourceName))];
  return { scopes, message: `Needs access to ${listOf(resources)}` };
}

/** A stored comma-separated scope list ("read_customers,write_customers") as a list. */
export function splitScopes(value: string | null | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((scope) => scope.trim())
    .filter(Boolean);
}
