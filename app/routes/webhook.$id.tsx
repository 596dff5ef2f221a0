// /webhook/:id: inbound webhooks. A resource route (no UI); every method is answered by the
// ingress pipeline (POST creates the event, OPTIONS is the CORS preflight, anything else is 405).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleIngress, ingressContextFrom } from "~/services/ingress/handle-ingress.server";

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return handleIngress(request, params.id ?? "", ingressContextFrom(context));
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return handleIngress(request, params.id ?? "", ingressContextFrom(context));
}

// The production server (app/web-server.ts) answers /webhook/* through handleIngressNode, re-exported
// from app/entry.server.tsx (route modules may only export Remix's names).
