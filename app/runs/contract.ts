// The rendering contract the runner codes against (implemented by app/domain/tasks/render.ts).
// Kept as types here so the runner's orchestration does not depend on how rendering is done.

export interface TaskEvent {
  id: string;
  topic: string;
  data: unknown;
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
  errors: string[];
  permissions: string[];
  durationMs: number;
}

export interface RenderInput {
  script: string;
  options: Record<string, unknown>;
  event: TaskEvent;
  shop: ShopInfo;
  task: { id: string; name: string };
  cache?: { get(key: string): Promise<unknown> };
  shopifyQuery?: (query: string, variables?: Record<string, unknown>) => Promise<unknown>;
  preview?: boolean;
  templateCacheKey?: string;
  limits?: Partial<{ timeoutMs: number; renderLimitMs: number; outputBytes: number; memoryLimit: number; parseLimit: number }>;
}

export type RenderTaskFn = (input: RenderInput) => Promise<RenderResult>;
