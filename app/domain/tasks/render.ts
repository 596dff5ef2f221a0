// Renders a task's script against an event: the contract the runner and preview code against.
// Never throws for script problems: syntax errors, runtime errors, limits and {% error %} all
// become `errors`. Actions are returned even when there are errors (for display); Mechanic's
// rule is that a task run with any error performs none of them.
import { Drop } from "liquidjs";
import { parseJsonOr } from "~/domain/json";
import { defaultEngine, LiquidScriptError, type LiquidEngine, type RenderLimits } from "~/domain/liquid/engine";
import { interpretOutput } from "~/domain/liquid/output";
import { resolveTimeZone } from "~/domain/liquid/dates";
import { isPlainObject } from "~/domain/liquid/values";
import { convertOptionValues } from "./options";
import { ShopDrop, ShopifyObjects } from "~/domain/liquid/shopify-objects";
import { shopifyTopicByMechanic } from "~/domain/shopify/topics";

export interface TaskEvent {
  id: string;
  topic: string;
  data: unknown;
  /**
   * The data as its stored JSON text, when the caller has that: parsed where the render runs (null
   * when it is not JSON), in place of `data`. The runner passes the event's column this way, so
   * the text goes to a render thread as it is instead of being parsed and written again first.
   */
  dataJson?: string;
  created_at: string;
  source: string;
  parent?: TaskEvent | null;
  webhook_request_id?: string | null;
  preview?: boolean;
}

export interface ShopInfo {
  name: string;
  domain: string;
  myshopify_domain: string;
  email: string;
  currency: string;
  timezone: string;
  [k: string]: unknown;
}

export interface RenderedAction {
  type: string;
  options: unknown;
  meta: unknown | null;
  performEvent: boolean;
}

export interface RenderResult {
  actions: RenderedAction[];
  logs: unknown[];
  /** Every error: script problems (syntax, runtime, limits) and the task's error objects. */
  errors: string[];
  /** The errors the task rendered as error objects ({% error %}), also in `errors`. */
  errorObjects: string[];
  permissions: string[];
  durationMs: number;
  /** Present (true) when the render stopped at one of its limits (time, memory, output size). */
  stoppedAtLimit?: true;
}

export interface RenderInput {
  script: string;
  options: Record<string, unknown>;
  event: TaskEvent;
  shop: ShopInfo;
  task: { id: string; name: string };
  cache?: { get(key: string): Promise<unknown> };
  /**
   * Admin GraphQL, read-only. The `shopify` filter uses it on live runs only (Mechanic: previews
   * cannot query); lookups (shop.customers[id], .reload, metafields) also in preview.
   */
  shopifyQuery?: (query: string, variables?: Record<string, unknown>) => Promise<unknown>;
  /** Admin API queries one task run may make (filter and lookups together); default 50. */
  maxShopifyQueries?: number;
  preview?: boolean;
  templateCacheKey?: string;
  limits?: Partial<{
    timeoutMs: number;
    renderLimitMs: number;
    outputBytes: number;
    memoryLimit: number;
    parseLimit: number;
  }>;
}

/** Mechanic exposes up to 5 generations of parent events. */
export const MAX_PARENT_GENERATIONS = 5;

/** `cache["key"]` / `cache.key` lookups; nil in preview or when no cache is given. */
class CacheDrop extends Drop {
  constructor(private readonly reader: RenderInput["cache"] | null) {
    super();
  }
  liquidMethodMissing(key: string): unknown {
    if (!this.reader || typeof key !== "string") return null;
    return this.reader.get(key).then((value) => value ?? null);
  }
}

function eventForLiquid(event: TaskEvent, preview: boolean, generation = 0): Record<string, unknown> {
  const parent =
    event.parent && generation < MAX_PARENT_GENERATIONS ? eventForLiquid(event.parent, preview, generation + 1) : null;
  const out: Record<string, unknown> = {
    id: event.id,
    topic: event.topic,
    data: event.dataJson !== undefined ? parseJsonOr(event.dataJson, null) : (event.data ?? null),
    created_at: event.created_at,
    source: event.source,
    parent,
    webhook_request_id: event.webhook_request_id ?? null,
  };
  // Mechanic: `preview` is present (true) only in preview; absent on live events.
  if (preview) out.preview = true;
  return out;
}

/**
 * shopify/customers/create -> "customer": Mechanic's subject variable for Shopify topics, the
 * catalog's (app/domain/shopify/topics.ts) for the topics Hookline receives, so live runs and
 * previews name it alike; other shopify/ topics by the same singular rule.
 */
export function subjectVariable(topic: string): string | null {
  const known = shopifyTopicByMechanic(topic);
  if (known) return known.subject;
  const match = /^shopify\/([a-z_]+)\/[a-z_]+$/.exec(topic);
  if (!match) return null;
  const resource = match[1];
  if (resource.endsWith("ies")) return `${resource.slice(0, -3)}y`;
  if (resource.endsWith("sses") || resource.endsWith("xes")) return resource.slice(0, -2);
  if (resource.endsWith("s")) return resource.slice(0, -1);
  return resource;
}

const RESERVED_NAMES = new Set(["event", "shop", "options", "task", "cache", "action", "array", "hash", "newline"]);

function looksLikeLiquid(text: string): boolean {
  return text.includes("{{") || text.includes("{%");
}

function engineLimits(limits: RenderInput["limits"]): Partial<RenderLimits> {
  const out: Partial<RenderLimits> = {};
  if (!limits) return out;
  for (const key of ["timeoutMs", "renderLimitMs", "outputBytes", "memoryLimit", "parseLimit"] as const) {
    const value = limits[key];
    if (typeof value === "number" && Number.isFinite(value) && value > 0) out[key] = value;
  }
  if (out.renderLimitMs !== undefined && out.timeoutMs === undefined) out.timeoutMs = out.renderLimitMs + 1000;
  return out;
}

export async function renderTask(input: RenderInput, engine: LiquidEngine = defaultEngine): Promise<RenderResult> {
  const started = performance.now();
  const errors: string[] = [];
  const logs: unknown[] = [];
  const actions: RenderedAction[] = [];
  const errorObjects: string[] = [];
  let permissions: string[] = [];
  let stoppedAtLimit = false;
  const finish = (): RenderResult => ({
    actions,
    logs,
    errors,
    errorObjects,
    permissions,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    ...(stoppedAtLimit ? { stoppedAtLimit: true as const } : {}),
  });

  try {
    const preview = input.preview === true || input.event?.preview === true;
    if (typeof input.script !== "string") {
      errors.push("Task script must be a string");
      return finish();
    }
    let timeZone = "UTC";
    try {
      timeZone = resolveTimeZone(input.shop?.iana_timezone ? String(input.shop.iana_timezone) : input.shop?.timezone);
    } catch {
      // An unrecognisable shop zone must not fail every run; dates then use UTC.
      timeZone = "UTC";
    }
    const limits = engineLimits(input.limits);
    // One budget and one cache of looked-up resources for the whole run (options and script).
    const maxQueries = input.maxShopifyQueries ?? 50;
    let queries = 0;
    const spendQuery = () => {
      queries += 1;
      if (queries > maxQueries) throw new Error(`more than ${maxQueries} Shopify queries in one task run`);
    };
    const objects = new ShopifyObjects({ query: input.shopifyQuery, spend: spendQuery });
    const state = {
      spendQuery,
      objects,
      timeZone,
      preview,
      shopifyQuery: preview ? undefined : input.shopifyQuery,
      shop: {
        currency: typeof input.shop?.currency === "string" && input.shop.currency ? input.shop.currency : "USD",
        moneyFormat: typeof input.shop?.money_format === "string" ? input.shop.money_format : undefined,
        moneyWithCurrencyFormat:
          typeof input.shop?.money_with_currency_format === "string"
            ? input.shop.money_with_currency_format
            : undefined,
      },
    };
    const event = eventForLiquid(input.event, preview);
    const baseScope: Record<string, unknown> = {
      event,
      shop: new ShopDrop(isPlainObject(input.shop) ? input.shop : {}, objects),
      task: { id: input.task?.id ?? null, name: input.task?.name ?? null },
      cache: new CacheDrop(preview ? null : (input.cache ?? null)),
    };
    if (input.event.topic === "mechanic/actions/perform") baseScope.action = event.data;
    // A user form's values are `input.<name>` (Mechanic), as well as event.data.
    if (input.event.topic === "mechanic/user/form") baseScope.input = isPlainObject(event.data) ? event.data : {};
    const subject = subjectVariable(input.event.topic);
    if (subject && !RESERVED_NAMES.has(subject)) baseScope[subject] = event.data;

    // Mechanic renders text option values as Liquid before the script.
    const options: Record<string, unknown> = {};
    // Values as their flags declare them (a "5" given for `__number` is 5), then Liquid in text.
    const declared = convertOptionValues(isPlainObject(input.options) ? input.options : {});
    for (const [key, value] of Object.entries(declared)) {
      if (typeof value === "string" && looksLikeLiquid(value)) {
        try {
          options[key] = (await engine.render(value, { ...baseScope, options: {} }, { state, limits })).output;
        } catch (error) {
          if (error instanceof LiquidScriptError && error.limitReached) stoppedAtLimit = true;
          errors.push(`Option ${key}: ${(error as Error).message}`);
          options[key] = value;
        }
      } else options[key] = value;
    }

    let output = "";
    try {
      // The script's scope: the base scope and the options (the option renders above had their own copies).
      baseScope.options = options;
      const rendered = await engine.render(input.script, baseScope, {
        state,
        limits,
        cacheKey: input.templateCacheKey,
      });
      output = rendered.output;
      permissions = rendered.state.permissions;
    } catch (error) {
      if (!(error instanceof LiquidScriptError)) throw error;
      // Keep what rendered before the failure (its logs help), then report the failure.
      const partial = interpretOutput(error.partialOutput);
      logs.push(...partial.logs);
      actions.push(...partial.actions);
      errors.push(...partial.errors.filter((message) => !message.startsWith("Output is not valid JSON")));
      errorObjects.push(...partial.errorObjects);
      errors.push(error.message);
      if (error.limitReached) stoppedAtLimit = true;
      permissions = error.state?.permissions ?? [];
      return finish();
    }
    const interpreted = interpretOutput(output);
    actions.push(...interpreted.actions);
    logs.push(...interpreted.logs);
    errors.push(...interpreted.errors);
    errorObjects.push(...interpreted.errorObjects);
    return finish();
  } catch (error) {
    // A bug in our code must still not take down the worker: report it on the task run.
    errors.push(`Internal error while rendering: ${error instanceof Error ? error.message : String(error)}`);
    return finish();
  }
}
