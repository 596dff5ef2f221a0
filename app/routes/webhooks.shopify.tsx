import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { receiveShopifyEvent } from "~/services/shopify/shopify-events.server";

// Every Shopify topic a task subscribes to is delivered here (the subscriptions' callback). The
// production server (app/web-server.ts) answers it through handleShopifyEventsNode instead, with the
// same answers; this route serves the dev server.
export const action = ({ request }: ActionFunctionArgs) => receiveShopifyEvent(request);
export const loader = ({ request }: LoaderFunctionArgs) => receiveShopifyEvent(request);
