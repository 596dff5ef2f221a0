// Create a webhook: name, topic (validated inline with the server's rules) and data mode.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Page } from "@shopify/polaris";
import { useEffect } from "react";
import { authenticate } from "~/services/shopify/app.server";
import { createWebhook, WebhookInputError } from "~/data/webhooks.server";
import { parseWebhookForm, type WebhookFormErrors } from "~/domain/webhooks/webhook-form";
import { EMPTY_WEBHOOK_FORM, WebhookFields, formStateFromFields, useWebhookFormState } from "../components/WebhookForm";
import { useActionToast } from "../components/hooks";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const fields = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  const parsed = parseWebhookForm(form);
  const failed = (errors: WebhookFormErrors) => ({
    ok: false as const,
    errors,
    fields,
    toast: "Webhook not created: fix the highlighted fields",
    toastError: true,
  });
  if (!parsed.ok) return failed(parsed.errors);
  try {
    const { name, topic, dataMode } = parsed.values;
    const webhook = await createWebhook(session.shop, { name, topic, dataMode });
    return redirect(`/app/webhooks/${webhook.id}?created=1`);
  } catch (error) {
    if (error instanceof WebhookInputError) return failed(error.fieldErrors as WebhookFormErrors);
    throw error;
  }
};

export default function NewWebhook() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [state, setState] = useWebhookFormState(EMPTY_WEBHOOK_FORM);
  useEffect(() => {
    if (actionData?.fields) setState(() => formStateFromFields(actionData.fields));
  }, [actionData, setState]);
  useActionToast(actionData);
  return (
    <Page title="Create webhook" backAction={{ content: "Webhooks", url: "/app/webhooks" }} narrowWidth>
      <Form method="post">
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              {actionData && !actionData.ok && (
                <Banner tone="critical" title="The webhook was not created">
                  <p>Fix the fields marked below.</p>
                </Banner>
              )}
              <Card>
                <WebhookFields state={state} setState={setState} errors={actionData?.errors ?? {}} advanced={false} />
              </Card>
              <InlineStack align="end" gap="200">
                <Button url="/app/webhooks">Cancel</Button>
                <Button submit variant="primary" loading={navigation.state === "submitting"}>
                  Create webhook
                </Button>
              </InlineStack>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError what="Webhook" backUrl="/app/webhooks" backLabel="Webhooks" />;
}
