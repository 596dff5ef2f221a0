import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isLocalMode } from "../config.server";

// Shopify opens the app at /app; a bare visit is either a Shopify install link or a lost person.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  if (isLocalMode()) throw redirect("/local/login");
  return null;
};

export default function Index() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem", maxWidth: 640 }}>
      <h1>Hookline</h1>
      <p>Inbound webhooks that run Liquid tasks in your Shopify store. Open Hookline from your Shopify admin.</p>
    </main>
  );
}
