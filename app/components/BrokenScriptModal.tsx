// Asked before a task whose Liquid does not parse is saved enabled (issue 13): every event it
// receives would end in a failed run. The rule lives in app/domain/tasks/script-check.ts.
import { BlockStack, Modal, Text } from "@shopify/polaris";
import type { ScriptSyntaxError } from "~/domain/tasks/script-check";

export function BrokenScriptModal({
  error,
  onSaveEnabled,
  onSaveDisabled,
  onClose,
  loading = false,
}: {
  error: ScriptSyntaxError | null;
  onSaveEnabled: () => void;
  onSaveDisabled: () => void;
  onClose: () => void;
  loading?: boolean;
}) {
  const where = error?.line ? `Line ${error.line}, column ${error.column ?? 1}` : "The script";
  return (
    <Modal
      open={error !== null}
      onClose={onClose}
      title="The script has a Liquid syntax error"
      primaryAction={{ content: "Save disabled", onAction: onSaveDisabled, loading }}
      secondaryActions={[
        { content: "Save enabled anyway", destructive: true, onAction: onSaveEnabled, disabled: loading },
        { content: "Keep editing", onAction: onClose },
      ]}
    >
      <Modal.Section>
        <BlockStack gap="200">
          <Text as="p" fontWeight="semibold">
            {where}: {error?.message.replace(/ \(line \d+, column \d+\)$/, "")}
          </Text>
          <Text as="p">
            While the script does not parse, every event the task receives ends in a failed run. Save it disabled and
            enable it once it is fixed, or save it enabled anyway.
          </Text>
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
