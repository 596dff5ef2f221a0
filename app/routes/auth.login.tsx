// /auth/login: Shopify's login path (authPathPrefix + "/login"). A merchant who reaches the app
// outside Shopify admin enters their shop's domain and is sent to Shopify to install or open the app,
// as in Shopify's app template. It must not go through authenticate.admin (auth.$.tsx), which refuses
// the login path with a 500.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { login } from "~/services/shopify/app.server";
import { isLocalMode } from "~/config.server";

function errorMessage(result: { shop?: LoginErrorType }): string | null {
  if (result.shop === LoginErrorType.MissingShop) return "Enter your shop's domain to log in.";
  if (result.shop === LoginErrorType.InvalidShop) return "Enter a shop domain like example.myshopify.com.";
  return null;
}

// login() throws Shopify's redirect for a valid shop; otherwise it says what is wrong.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const error = errorMessage(await login(request));
  return { error, localMode: isLocalMode() };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const error = errorMessage(await login(request));
  return { error };
};

export default function Login() {
  const loaded = useLoaderData<typeof loader>();
  const error = useActionData<typeof action>()?.error ?? loaded.error;
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", padding: "2rem", maxWidth: 480 }}>
      <h1>Log in to Hookline</h1>
      <Form method="post">
        <label htmlFor="shop" style={{ display: "block", marginBottom: 4 }}>
          Shop domain
        </label>
        <input
          id="shop"
          name="shop"
          type="text"
          placeholder="example.myshopify.com"
          autoComplete="on"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "shop-error" : undefined}
          style={{ font: "inherit", padding: "6px 8px", width: "100%", boxSizing: "border-box" }}
        />
        {error && (
          <p id="shop-error" role="alert" style={{ color: "#8e1f0b" }}>
            {error}
          </p>
        )}
        <button type="submit" style={{ font: "inherit", marginTop: 12, padding: "6px 14px" }}>
          Log in
        </button>
      </Form>
      {loaded.localMode && (
        <p>
          Running with the local development store: <a href="/local/login">open its admin</a>.
        </p>
      )}
    </main>
  );
}
