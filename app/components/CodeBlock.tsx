// Preformatted code or JSON with an optional copy button; scrolls sideways instead of breaking narrow screens.
import { BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { copyText } from "./hooks";

export const MONOSPACE = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

/** Downloads `href` (fetched with App Bridge's session token) as a file named `filename`. */
async function download(href: string, filename: string): Promise<boolean> {
  try {
    const response = await fetch(href);
    if (!response.ok) return false;
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return true;
  } catch {
    return false;
  }
}

export function CodeBlock({
  code,
  label,
  copyable = false,
  maxHeight = 420,
  testId,
  note,
  raw,
}: {
  code: string;
  label?: string;
  copyable?: boolean;
  maxHeight?: number;
  testId?: string;
  /** A line under the block (e.g. that it was shortened). */
  note?: string | null;
  /** The whole stored text, offered as a download ("Download raw JSON"). */
  raw?: { href: string; filename: string } | null;
}) {
  const shopify = useAppBridge();
  return (
    <BlockStack gap="100">
      {(label || copyable || raw) && (
        <InlineStack align="space-between" blockAlign="center">
          {label ? (
            <Text as="span" variant="bodySm" tone="subdued">
              {label}
            </Text>
          ) : (
            <span />
          )}
          <InlineStack gap="300">
            {raw && (
              <Button
                variant="plain"
                accessibilityLabel={label ? `Download raw ${label}` : "Download raw JSON"}
                onClick={async () => {
                  if (!(await download(raw.href, raw.filename)))
                    shopify.toast.show("Could not download", { isError: true });
                }}
              >
                Download raw JSON
              </Button>
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
      {note && (
        <Text as="p" variant="bodySm" tone="subdued">
          {note}
        </Text>
      )}
    </BlockStack>
  );
}
