// "Needs access to orders": a task whose Shopify topics or {% permissions %} need scopes the shop has
// not granted. The button asks for them through App Bridge (shopify.scopes.request, the optional
// scopes declared in shopify.app.toml); once granted, `onGranted` lets the server learn it at once.
import { useState } from "react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Text } from "@shopify/polaris";

export interface AccessNeed {
  scopes: string[];
  message: string;
}

export function AccessBanner({
  access,
  onGranted,
  busy,
}: {
  access: AccessNeed;
  onGranted: () => void;
  busy: boolean;
}) {
  const shopify = useAppBridge();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ask = async () => {
    setAsking(true);
    setError(null);
    try {
      const answer = await shopify.scopes.request(access.scopes);
      if (answer.result === "granted-all") onGranted();
      else setError("Access was not granted: the task stays saved and waits for it.");
    } catch (thrown) {
      setError(`Could not ask for access: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    } finally {
      setAsking(false);
    }
  };
  return (
    <div data-testid="access-banner" style={{ marginBottom: "16px" }}>
      <Banner
        tone="warning"
        title={access.message}
        action={{ content: "Grant access", onAction: () => void ask(), loading: asking || busy }}
      >
        <BlockStack gap="100">
          <Text as="p">
            The task is saved, but Shopify sends its events only once Hookline has {access.scopes.join(", ")}. Grant
            access and its subscriptions are created.
          </Text>
          {error ? (
            <Text as="p" tone="critical">
              {error}
            </Text>
          ) : null}
        </BlockStack>
      </Banner>
    </div>
  );
}
