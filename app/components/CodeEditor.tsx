// A plain code editor: a monospace textarea with a line-number gutter that scrolls with it.
// (CodeMirror 6 is not installed; this keeps line numbers and monospace without a dependency.)
import { useId, useRef } from "react";
import { InlineError, Text } from "@shopify/polaris";
import { MONOSPACE } from "./CodeBlock";

const LINE_HEIGHT = 20;

export function CodeEditor({
  label,
  value,
  onChange,
  error,
  helpText,
  minLines = 12,
  maxLines = 30,
  name,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  helpText?: React.ReactNode;
  minLines?: number;
  maxLines?: number;
  name?: string;
}) {
  const id = useId();
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = Math.max(1, value.split("\n").length);
  const visible = Math.min(Math.max(lineCount + 1, minLines), maxLines);
  const errorId = `${id}Error`;
  const helpId = `${id}-help`;
  return (
    <div>
      <label htmlFor={id} style={{ display: "block", marginBottom: 4 }}>
        <Text as="span" variant="bodyMd" fontWeight="medium">
          {label}
        </Text>
      </label>
      <div
        style={{
          display: "flex",
          border: `1px solid ${error ? "#8e1f0b" : "#8a8a8a"}`,
          borderRadius: 8,
          overflow: "hidden",
          background: "#fff",
        }}
      >
        <div
          ref={gutter}
          aria-hidden="true"
          style={{
            flex: "0 0 auto",
            minWidth: 40,
            padding: "8px 6px",
            textAlign: "right",
            font: `13px/${LINE_HEIGHT}px ${MONOSPACE}`,
            color: "#616161",
            background: "#f3f3f3",
            borderRight: "1px solid #e3e3e3",
            overflow: "hidden",
            height: visible * LINE_HEIGHT + 16,
            userSelect: "none",
          }}
        >
          {Array.from({ length: lineCount }, (_, i) => (
            <div key={i}>{i + 1}</div>
          ))}
        </div>
        <textarea
          id={id}
          name={name}
          value={value}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          wrap="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={[error ? errorId : "", helpText ? helpId : ""].filter(Boolean).join(" ") || undefined}
          onChange={(e) => onChange(e.currentTarget.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          style={{
            flex: "1 1 auto",
            minWidth: 0,
            border: "none",
            resize: "vertical",
            padding: "8px 10px",
            font: `13px/${LINE_HEIGHT}px ${MONOSPACE}`,
            height: visible * LINE_HEIGHT + 16,
            color: "#1a1a1a",
            background: "transparent",
            whiteSpace: "pre",
            overflow: "auto",
            tabSize: 2,
          }}
        />
      </div>
      {helpText && (
        <div id={helpId} style={{ marginTop: 4 }}>
          <Text as="span" variant="bodySm" tone="subdued">
            {helpText}
          </Text>
        </div>
      )}
      {error && (
        <div style={{ marginTop: 4 }}>
          <InlineError message={error} fieldID={id} />
        </div>
      )}
    </div>
  );
}
