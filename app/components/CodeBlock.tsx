// Preformatted code or JSON with an optional copy button; scrolls sideways instead of breaking narrow screens.
import { BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { copyText } from "./hooks";

export const MONOSPACE = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

export function CodeBlock({
  code,
  label,
  copyable = false,
  maxHeight = 420,
  testId,
}: {
  code: string;
  label?: string;
  copyable?: boolean;
  maxHeight?: number;
  testId?: string;
}) {
  const shopify = useAppBridge();
  return (
    <BlockStack gap="100">
      {(label || copyable) && (
        <InlineStack align="space-between" blockAlign="center">
          {label ? (
            <Text as="span" variant="bodySm" tone="subdued">
              {label}
            </Text>
          ) : (
            <span />
          )}
          {copyable && (
            <Button
              variant="plain"
              accessibilityLabel={label ? `Copy ${label}` : "Copy code"}
              onClick={async () => {
                const ok = await copyText(code);
                shopify.toast.show(ok ? "Copied" : "Could not copy", { isError: !ok });
              }}
            >
              Copy
            </Button>
          )}
        </InlineStack>
      )}
      <pre
        data-testid={testId}
        tabIndex={0}
        aria-label={label ?? "Code"}
        style={{
          margin: 0,
          padding: "10px 12px",
          background: "#f4f4f4",
          border: "1px solid #e3e3e3",
          borderRadius: 8,
          overflow: "auto",
          maxHeight,
          font: `12px/1.5 ${MONOSPACE}`,
          whiteSpace: "pre",
          color: "#1a1a1a",
        }}
      >
        {code}
      </pre>
    </BlockStack>
  );
}
