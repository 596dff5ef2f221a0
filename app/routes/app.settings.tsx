// Settings: additional CORS origins for restricted webhooks, data retention and the default rate limit.
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "~/services/shopify/app.server";
import { readSettings, saveSettings } from "~/services/admin/settings.server";
import { limits } from "../config.server";
import { validateSettings, type SettingsErrors, type SettingsInput } from "~/domain/shops/settings";
import { useActionToast, useFieldErrors } from "../components/hooks";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return {
    shop: session.shop,
    settings: await readSettings(session.shop),
    appDefaultRate: limits.ingressRatePerMinute,
  };
};

export type SettingsActionData =
  | { ok: true; toast: string; input: SettingsInput }
  | { ok: false; errors: SettingsErrors; input: SettingsInput; toast: string; toastError: true };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  if (request.method !== "POST") throw new Response("Method Not Allowed", { status: 405 });
  const form = await request.formData();
  const input: SettingsInput = {
    corsOrigins: String(form.get("corsOrigins") ?? ""),
    retentionDays: String(form.get("retentionDays") ?? ""),
    rateLimitPerMinute: String(form.get("rateLimitPerMinute") ?? ""),
  };
  const result = validateSettings(input);
  if (!result.ok) {
    return {
      ok: false,
      errors: result.errors,
      input,
      toast: "Settings not saved: fix the highlighted fields",
      toastError: true,
    } satisfies SettingsActionData;
  }
  await saveSettings(session.shop, result.values);
  return {
    ok: true,
    toast: "Settings saved",
    input: {
      corsOrigins: result.values.corsOrigins.join("\n"),
      retentionDays: String(result.values.retentionDays),
      rateLimitPerMinute: result.values.rateLimitPerMinute === null ? "" : String(result.values.rateLimitPerMinute),
    },
  } satisfies SettingsActionData;
};

const NO_ERRORS: SettingsErrors = {};

export default function Settings() {
  const { shop, settings, appDefaultRate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const saving = navigation.state === "submitting";
  const initial: SettingsInput = {
    corsOrigins: settings.corsOrigins.join("\n"),
    retentionDays: String(settings.retentionDays),
    rateLimitPerMinute: settings.rateLimitPerMinute === null ? "" : String(settings.rateLimitPerMinute),
  };
  const [values, setValues] = useState<SettingsInput>(actionData?.input ?? initial);
  useEffect(() => {
    if (actionData?.input) setValues(actionData.input);
  }, [actionData]);
  useActionToast(actionData);
  const errors: SettingsErrors = useFieldErrors(actionData && !actionData.ok ? actionData.errors : NO_ERRORS, values);
  const set = (key: keyof SettingsInput) => (value: string) => setValues((v) => ({ ...v, [key]: value }));

  return (
    <Page title="Settings" backAction={{ content: "Home", url: "/app" }}>
      <Form method="post">
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {actionData && !actionData.ok && (
                <Banner tone="critical" title="Settings were not saved">
                  <p>Fix the fields marked below and save again.</p>
                </Banner>
              )}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Additional CORS origins
                  </Text>
                  <Text as="p" tone="subdued">
                    Webhooks set to “restricted” CORS accept browser requests from https://{shop}, your store's domains,
                    and the origins listed here. Webhooks set to “any origin” ignore this list.
                  </Text>
                  <TextField
                    label="Origins, one per line"
                    name="corsOrigins"
                    value={values.corsOrigins}
                    onChange={set("corsOrigins")}
                    multiline={4}
                    autoComplete="off"
                    placeholder={"https://www.example.com\nhttp://localhost:8080"}
                    helpText="Each origin is scheme://host[:port], without a path."
                    error={errors.corsOrigins}
                  />
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Data and limits
                  </Text>
                  <FormLayout>
                    <FormLayout.Group>
                      <TextField
                        label="Data retention (days)"
                        name="retentionDays"
                        type="number"
                        value={values.retentionDays}
                        onChange={set("retentionDays")}
                        autoComplete="off"
                        helpText="Raw request bodies and finished events older than this are deleted."
                        error={errors.retentionDays}
                      />
                      <TextField
                        label="Default rate limit (requests per minute, per webhook)"
                        name="rateLimitPerMinute"
                        type="number"
                        value={values.rateLimitPerMinute}
                        onChange={set("rateLimitPerMinute")}
                        autoComplete="off"
                        placeholder={`${appDefaultRate} (the app's default)`}
                        helpText={`Requests above this get 429 with Retry-After. Empty: the app's default, ${appDefaultRate}. A webhook can override it.`}
                        error={errors.rateLimitPerMinute}
                      />
                    </FormLayout.Group>
                  </FormLayout>
                </BlockStack>
              </Card>
              <InlineStack align="end">
                <Button submit variant="primary" loading={saving}>
                  Save settings
                </Button>
              </InlineStack>
              {/* Getting results back (issue 6): the cache endpoints screen lives at /app/cache-endpoints. */}
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Cache endpoints
                  </Text>
                  <Text as="p" tone="subdued">
                    Secret URLs that return the current value of a cache key as JSON, so callers can read back what your
                    tasks stored.
                  </Text>
                  <InlineStack>
                    <Button url="/app/cache-endpoints">Manage cache endpoints</Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Settings" backUrl="/app" backLabel="Home" />;
}
