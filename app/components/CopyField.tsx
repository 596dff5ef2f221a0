// A read-only value (a webhook URL) with a Copy button.
import { useId } from "react";
import { Button, InlineStack, Text } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { copyText } from "./hooks";

export function CopyField({
  label,
  value,
  copiedMessage = "Copied",
}: {
  label: string;
  value: string;
  copiedMessage?: string;
}) {
  const shopify = useAppBridge();
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>
        <Text as="span" variant="bodyMd" fontWeight="medium">
          {label}
        </Text>
      </label>
      <div style={{ display: "flex", gap: 8, alignItems: "stretch", marginTop: 4, flexWrap: "wrap" }}>
        <input
          id={id}
          readOnly
          value={value}
          data-testid="copy-field-value"
          onFocus={(e) => e.currentTarget.select()}
          style={{
            flex: "1 1 240px",
            minWidth: 0,
            font: "13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
            padding: "6px 10px",
            border: "1px solid #8a8a8a",
            borderRadius: 8,
            background: "#f7f7f7",
            color: "#303030",
          }}
        />
        <InlineStack>
          <Button
            accessibilityLabel={`Copy ${label}`}
            onClick={async () => {
              const ok = await copyText(value);
              shopify.toast.show(ok ? copiedMessage : "Could not copy: select the text and copy it", { isError: !ok });
            }}
          >
            Copy
          </Button>
        </InlineStack>
      </div>
    </div>
  );
}
