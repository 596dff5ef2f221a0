// A Liquid code editor: CodeMirror 6 (line numbers, Liquid highlighting, undo history) on the client.
// The server, and the browser until CodeMirror has loaded, get a plain monospace <textarea> with the
// same label, so the page is usable before hydration. CodeMirror is imported dynamically inside an
// effect, which keeps it out of the server bundle and out of the first client chunk.
import { useEffect, useId, useRef, useState } from "react";
import type { EditorView } from "@codemirror/view";
import type { Extension } from "@codemirror/state";
import { InlineError, Text } from "@shopify/polaris";
import { MONOSPACE } from "./CodeBlock";

const LINE_HEIGHT = 20;
const PADDING = 8;

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
  const labelId = `${id}-label`;
  const errorId = `${id}Error`; // the id Polaris' InlineError gives itself for fieldID={id}
  const helpId = `${id}-help`;
  const describedBy = [error ? errorId : "", helpText ? helpId : ""].filter(Boolean).join(" ") || undefined;

  const host = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<MountedEditor | null>(null);
  // The effects below read the latest props through refs, so the editor is mounted once and never
  // re-created (which would lose the cursor and the undo history).
  const latest = useRef({ value, onChange, describedBy, invalid: Boolean(error) });
  latest.current = { value, onChange, describedBy, invalid: Boolean(error) };

  useEffect(() => {
    let cancelled = false;
    let mounted: MountedEditor | null = null;
    void mountEditor({
      parent: host.current!,
      labelId,
      minLines,
      maxLines,
      getLatest: () => latest.current,
    })
      .then((result) => {
        if (cancelled) return result.view.destroy();
        // Someone typing in the placeholder textarea keeps typing, now in the editor.
        const hadFocus = document.activeElement?.id === id;
        mounted = result;
        setEditor(result);
        if (hadFocus) {
          result.view.dispatch({ selection: { anchor: result.view.state.doc.length } });
          result.view.focus();
        }
      })
      // If CodeMirror cannot load, the plain textarea stays and keeps working.
      .catch((cause: unknown) => console.error("CodeEditor: CodeMirror failed to load", cause));
    return () => {
      cancelled = true;
      mounted?.view.destroy();
    };
    // Mount once; prop changes are pushed into the editor by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // An outside change of the value (e.g. "Start from a template") replaces the document.
  useEffect(() => {
    if (editor && editor.view.state.doc.toString() !== value) editor.setDoc(value);
  }, [editor, value]);

  // The error and help text come and go: keep aria-invalid/aria-describedby current.
  useEffect(() => {
    editor?.setAria(describedBy, Boolean(error));
  }, [editor, describedBy, error]);

  const visibleLines = Math.min(Math.max(value.split("\n").length + 1, minLines), maxLines);
  return (
    <div>
      <label
        id={labelId}
        htmlFor={editor ? undefined : id}
        onClick={() => editor?.view.focus()}
        style={{ display: "block", marginBottom: 4 }}
      >
        <Text as="span" variant="bodyMd" fontWeight="medium">
          {label}
        </Text>
      </label>
      <div
        style={{
          border: `1px solid ${error ? "#8e1f0b" : "#8a8a8a"}`,
          borderRadius: 8,
          overflow: "hidden",
          background: "#fff",
        }}
      >
        <div ref={host} data-testid="code-editor" />
        {editor ? (
          name && <input type="hidden" name={name} value={value} />
        ) : (
          <textarea
            id={id}
            name={name}
            value={value}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            wrap="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => onChange(e.currentTarget.value)}
            style={{
              display: "block",
              boxSizing: "border-box",
              width: "100%",
              border: "none",
              resize: "vertical",
              padding: `${PADDING}px 10px`,
              font: `13px/${LINE_HEIGHT}px ${MONOSPACE}`,
              height: visibleLines * LINE_HEIGHT + 2 * PADDING,
              color: "#1a1a1a",
              background: "transparent",
              whiteSpace: "pre",
              overflow: "auto",
              tabSize: 2,
            }}
          />
        )}
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

type MountedEditor = {
  view: EditorView;
  setDoc: (text: string) => void;
  setAria: (describedBy: string | undefined, invalid: boolean) => void;
};

async function mountEditor(options: {
  parent: HTMLElement;
  labelId: string;
  minLines: number;
  maxLines: number;
  getLatest: () => { value: string; onChange: (value: string) => void; describedBy?: string; invalid: boolean };
}): Promise<MountedEditor> {
  const [{ EditorState, Compartment, Annotation }, view, commands, language, { liquid }] = await Promise.all([
    import("@codemirror/state"),
    import("@codemirror/view"),
    import("@codemirror/commands"),
    import("@codemirror/language"),
    import("@codemirror/lang-liquid"),
  ]);
  const { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } = view;

  // Marks transactions that apply an outside value, so they are not echoed back through onChange.
  const fromProps = Annotation.define<boolean>();
  const aria = new Compartment();
  const ariaAttributes = (describedBy: string | undefined, invalid: boolean): Extension =>
    EditorView.contentAttributes.of({
      "aria-labelledby": options.labelId,
      ...(describedBy ? { "aria-describedby": describedBy } : {}),
      ...(invalid ? { "aria-invalid": "true" } : {}),
      spellcheck: "false",
      autocapitalize: "off",
      autocorrect: "off",
    });

  const initial = options.getLatest();
  const editorView = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: initial.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        commands.history(),
        language.indentOnInput(),
        language.bracketMatching(),
        language.syntaxHighlighting(language.defaultHighlightStyle, { fallback: true }),
        liquid(),
        EditorState.tabSize.of(2),
        // No Tab-to-indent: Tab keeps moving focus out of the editor (keyboard users are not trapped).
        keymap.of([...commands.defaultKeymap, ...commands.historyKeymap]),
        aria.of(ariaAttributes(initial.describedBy, initial.invalid)),
        EditorView.theme({
          "&": { fontSize: "13px", backgroundColor: "#fff", color: "#1a1a1a" },
          "&.cm-focused": { outline: "2px solid #005bd3", outlineOffset: "-2px" },
          ".cm-scroller": {
            fontFamily: MONOSPACE,
            lineHeight: `${LINE_HEIGHT}px`,
            minHeight: `${options.minLines * LINE_HEIGHT + 2 * PADDING}px`,
            maxHeight: `${options.maxLines * LINE_HEIGHT + 2 * PADDING}px`,
            overflow: "auto",
          },
          ".cm-content": { padding: `${PADDING}px 0` },
          ".cm-gutters": { backgroundColor: "#f3f3f3", color: "#616161", borderRight: "1px solid #e3e3e3" },
          ".cm-lineNumbers .cm-gutterElement": { minWidth: "32px", padding: "0 6px 0 4px" },
          ".cm-activeLine": { backgroundColor: "#f6f8fc" },
          ".cm-activeLineGutter": { backgroundColor: "#e6e9ef", color: "#1a1a1a" },
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          if (update.transactions.some((tr) => tr.annotation(fromProps))) return;
          options.getLatest().onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  return {
    view: editorView,
    setDoc: (text) =>
      editorView.dispatch({
        changes: { from: 0, to: editorView.state.doc.length, insert: text },
        annotations: fromProps.of(true),
      }),
    setAria: (describedBy, invalid) =>
      editorView.dispatch({ effects: aria.reconfigure(ariaAttributes(describedBy, invalid)) }),
  };
}
