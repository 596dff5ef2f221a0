// The rendering contract the runner codes against (implemented by app/domain/tasks/render.ts).
import type { RenderInput, RenderResult } from "~/domain/tasks/render";

export type { RenderedAction, RenderInput, RenderResult, ShopInfo, TaskEvent } from "~/domain/tasks/render";
export type RenderTaskFn = (input: RenderInput) => Promise<RenderResult>;
