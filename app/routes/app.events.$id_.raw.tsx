// /app/events/:id/raw?part=...: the stored JSON of an event (its data, a task run's actions, logs
// or errors, an action run's options or result) as a download. The event page shows each of them
// shortened past a size; its "Download raw JSON" buttons fetch the whole text from here.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/services/shopify/app.server";
import { RAW_PARTS, rawEventPart, type RawPart } from "~/services/admin/event-raw.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const part = url.searchParams.get("part") ?? "data";
  if (!(RAW_PARTS as readonly string[]).includes(part)) {
    return new Response(`Unknown part "${part.slice(0, 40)}": one of ${RAW_PARTS.join(", ")}\n`, { status: 400 });
  }
  const raw = await rawEventPart(session.shop, params.id ?? "", part as RawPart, {
    runId: url.searchParams.get("run"),
    actionRunId: url.searchParams.get("action"),
  });
  if (!raw) return new Response("Not found\n", { status: 404 });
  return new Response(raw.text, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${raw.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
};
