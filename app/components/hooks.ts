// Small client hooks shared by the screens.
import { useEffect, useRef } from "react";
import { useRevalidator, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";

/** Re-runs the page's loaders every `intervalMs` while the tab is visible, so lists update live. */
export function usePolling(intervalMs: number, enabled = true): void {
  const revalidator = useRevalidator();
  const stateRef = useRef(revalidator.state);
  stateRef.current = revalidator.state;
  useEffect(() => {
    if (!enabled) return;
    const tick = () => {
      if (document.visibilityState === "visible" && stateRef.current === "idle") revalidator.revalidate();
    };
    const timer = window.setInterval(tick, intervalMs);
    const onVisible = () => document.visibilityState === "visible" && tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
    // revalidator is a new object each render; its revalidate function is what we need.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [intervalMs, enabled]);
}

export interface ActionFeedback {
  toast?: string;
  toastError?: boolean;
}

/** Shows the toast an action returned, once per result object. */
export function useActionToast(data: ActionFeedback | undefined | null): void {
  const shopify = useAppBridge();
  const shown = useRef<unknown>(null);
  useEffect(() => {
    if (data && data.toast && shown.current !== data) {
      shown.current = data;
      shopify.toast.show(data.toast, { isError: Boolean(data.toastError) });
    }
  }, [data, shopify]);
}

/** Copies text to the clipboard, falling back to a hidden textarea where the Clipboard API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the older way.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** Shows a toast for a flag a redirect left in the URL (e.g. ?deleted=1), then removes the flag. */
export function useRedirectToast(messages: Record<string, string>): void {
  const shopify = useAppBridge();
  const [searchParams, setSearchParams] = useSearchParams();
  // React's development mode runs each effect twice before the flag is gone from the URL: one
  // toast per URL, not per effect run (issue 13: the same toast showed twice after one save).
  const shownFor = useRef<string | null>(null);
  useEffect(() => {
    const key = Object.keys(messages).find((k) => searchParams.has(k));
    if (!key) return;
    const url = `${window.location.pathname}?${searchParams.toString()}`;
    if (shownFor.current === url) return;
    shownFor.current = url;
    shopify.toast.show(messages[key]!);
    const next = new URLSearchParams(searchParams);
    for (const k of Object.keys(messages)) next.delete(k);
    setSearchParams(next, { replace: true, preventScrollReset: true });
    // messages is a literal at each call site; re-running for it would not change anything.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchParams, setSearchParams, shopify]);
}

/**
 * The field errors of the last submit, each dropped once its field no longer holds the value it was
 * about (issue 13: "Name is required" stayed after the name was filled in). Keys that are not
 * fields of `values` (a form-level error) stay until the next submit.
 */
export function useFieldErrors<E extends object>(errors: E, values: object): E {
  const submitted = useRef<{ errors: E; values: Record<string, string> } | null>(null);
  const snapshot = (v: object) =>
    Object.fromEntries(Object.entries(v).map(([key, value]) => [key, JSON.stringify(value ?? null)]));
  // The values at the moment these errors arrived are the ones they describe.
  if (submitted.current?.errors !== errors) submitted.current = { errors, values: snapshot(values) };
  const now = snapshot(values);
  const then = submitted.current.values;
  const kept = Object.entries(errors).filter(([key]) => !(key in now) || now[key] === then[key]);
  return Object.fromEntries(kept) as E;
}

/** Saves text as a file named `filename` (a blob link with the download attribute). */
export function downloadText(text: string, filename: string, type = "application/json"): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
