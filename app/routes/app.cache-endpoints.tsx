// Cache endpoints (reached from Settings): public, unguessable URLs that return the current value of
// one of the shop's cache keys as JSON. Create one per key, copy its URL, delete it (URL then 404s).
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import {
  CacheEndpointInputError,
  createCacheEndpoint,
  deleteCacheEndpoint,
  listCacheEndpointsWithValues,
} from "~/data/cache-endpoints.server";
import { ConfirmModal } from "../components/ConfirmModal";
import { CopyField } from "../components/CopyField";
import { useActionToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";
import { absoluteTime } from "~/components/time";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const endpoints = await listCacheEndpointsWithValues(session.shop);
  return {
    endpoints: endpoints.map((e) => ({
      id: e.id,
      key: e.key,
      url: e.url,
      createdAt: e.createdAt.toISOString(),
      valueExpiresAt: e.valueExpiresAt?.toISOString() ?? null,
    })),
  };
};

export type CacheEndpointsActionData =
  | { intent: "create"; ok: false; error: string; key: string; toast: string; toastError: true }
  | { intent: string; ok: true; toast: string }
  | { intent: "delete"; ok: false; toast: string; toastError: true };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  if (request.method !== "POST") throw new Response("Method Not Allowed", { status: 405 });
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "create") {
    const key = String(form.get("key") ?? "");
    try {
      const endpoint = await createCacheEndpoint(session.shop, key);
      return { intent, ok: true, toast: `Endpoint created for ${endpoint.key}` } satisfies CacheEndpointsActionData;
    } catch (error) {
      if (error instanceof CacheEndpointInputError) {
        return {
          intent,
          ok: false,
          error: error.message,
          key,
          toast: "Endpoint not created",
          toastError: true,
        } satisfies CacheEndpointsActionData;
      }
      throw error;
    }
  }
  if (intent === "delete") {
    const deleted = await deleteCacheEndpoint(session.shop, String(form.get("id") ?? ""));
    return deleted
      ? ({ intent, ok: true, toast: "Endpoint deleted; its URL now answers 404" } satisfies CacheEndpointsActionData)
      : ({
          intent,
          ok: false,
          toast: "That endpoint no longer exists",
          toastError: true,
        } satisfies CacheEndpointsActionData);
  }
  throw new Response(`Unknown action "${intent.slice(0, 40)}"`, { status: 400 });
};

export default function CacheEndpoints() {
  const { endpoints } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [key, setKey] = useState("");
  const [confirmDelete, setConfirmDelete] = useState<{ id: string; key: string } | null>(null);
  const busyIntent = navigation.state !== "idle" ? String(navigation.formData?.get("intent") ?? "") : "";
  useActionToast(actionData);
  const createError = actionData && actionData.intent === "create" && !actionData.ok ? actionData : null;
  useEffect(() => {
    // Clear the field after a successful create; keep the merchant's input after a refused one.
    if (actionData?.intent === "create" && actionData.ok) setKey("");
    if (actionData?.intent === "delete") setConfirmDelete(null);
  }, [actionData]);

  return (
    <Page title="Cache endpoints" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  New endpoint
                </Text>
                <Text as="p" tone="subdued">
                  A task stores a result with the cache action, for example{" "}
                  <code>{'{% action "cache", "set", "quote/latest", result %}'}</code>. An endpoint for that key gives
                  you a secret URL that returns the current value as JSON to anyone who has it (any website may read
                  it), or 404 while the key is empty or expired.
                </Text>
                <Form method="post">
                  <input type="hidden" name="intent" value="create" />
                  <BlockStack gap="200">
                    <TextField
                      label="Cache key"
                      name="key"
                      value={key}
                      onChange={setKey}
                      autoComplete="off"
                      placeholder="quote/latest"
                      helpText="Letters, digits and _ : - . / (up to 255 characters)."
                      error={createError?.error}
                    />
                    <InlineStack>
                      <Button submit variant="primary" loading={busyIntent === "create"}>
                        Create endpoint
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </BlockStack>
            </Card>

            {endpoints.length === 0 ? (
              <Card>
                <Text as="p">No cache endpoints yet.</Text>
              </Card>
            ) : (
              <Card padding="0">
                <ul aria-label="Cache endpoints" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                  {endpoints.map((endpoint, index) => (
                    <li
                      key={endpoint.id}
                      data-testid="cache-endpoint-row"
                      style={{ borderTop: index === 0 ? undefined : "1px solid #ebebeb", padding: 16 }}
                    >
                      <BlockStack gap="200">
                        <InlineStack align="space-between" blockAlign="center" gap="200">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="h3" variant="headingSm">
                              <code>{endpoint.key}</code>
                            </Text>
                            {endpoint.valueExpiresAt ? (
                              <Badge tone="success">{`Has a value until ${absoluteTime(endpoint.valueExpiresAt)}`}</Badge>
                            ) : (
                              <Badge>No value now (404)</Badge>
                            )}
                          </InlineStack>
                          <Button
                            tone="critical"
                            variant="plain"
                            accessibilityLabel={`Delete the endpoint for ${endpoint.key}`}
                            onClick={() => setConfirmDelete({ id: endpoint.id, key: endpoint.key })}
                          >
                            Delete
                          </Button>
                        </InlineStack>
                        <CopyField
                          label={`URL for ${endpoint.key}`}
                          value={endpoint.url}
                          copiedMessage="Endpoint URL copied"
                        />
                      </BlockStack>
                    </li>
                  ))}
                </ul>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
      <ConfirmModal
        open={confirmDelete !== null}
        title="Delete this cache endpoint?"
        body={`Its URL will answer 404 from now on. The cached value of ${confirmDelete?.key ?? ""} is kept.`}
        confirmLabel="Delete endpoint"
        loading={busyIntent === "delete"}
        onClose={() => setConfirmDelete(null)}
        onConfirm={() => confirmDelete && submit({ intent: "delete", id: confirmDelete.id }, { method: "post" })}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Cache endpoints" backUrl="/app/settings" backLabel="Settings" />;
}
