import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, Outlet, useFetchers, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useEffect } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu, useAppBridge } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/services/shopify/app.server";
import { apiKey, config } from "../config.server";
import { localRoutesEnabled } from "~/services/local-mode/guard.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  // In local mode APP_BRIDGE_URL points at the local App Bridge stub (see app/services/local-mode/).
  return { apiKey: apiKey(), appBridgeUrl: config().shopify.appBridgeUrl, localMode: localRoutesEnabled() };
};

// The layout's data (API key, App Bridge URL, local mode) never changes while the app is open, and
// every action authenticates itself: no reload of it after a form or fetcher submission (the
// editor's live sentence posts a moment after each pause in typing).
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod && formMethod.toUpperCase() !== "GET" ? false : defaultShouldRevalidate;

export default function App() {
  const { apiKey, appBridgeUrl, localMode } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/events">Events</Link>
        <Link to="/app/webhooks">Webhooks</Link>
        <Link to="/app/tasks">Tasks</Link>
        <Link to="/app/settings">Settings</Link>
        {localMode && <Link to="/app/local-store">Local store</Link>}
      </NavMenu>
      <LoadingIndicator />
      <Outlet />
    </AppProvider>
  );
}

// Fetchers that run while the merchant types or that poll: they must not flash the loading bar.
const QUIET_INTENTS = new Set(["sentence"]);

/**
 * App Bridge's loading bar (Shopify admin shows it above the app; the local stub at the top of the
 * page) while a page loads on client-side navigation or a form or long action is submitting.
 * Background revalidation (the live lists) does not count.
 */
function LoadingIndicator() {
  const shopify = useAppBridge();
  const navigation = useNavigation();
  const fetchers = useFetchers();
  const busy =
    navigation.state !== "idle" ||
    fetchers.some((f) => f.state === "submitting" && !QUIET_INTENTS.has(String(f.formData?.get("intent") ?? "")));
  useEffect(() => {
    shopify.loading(busy);
  }, [busy, shopify]);
  return null;
}

// Shopify needs Remix to catch some thrown responses so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
