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
  useEffect(() => {
    const key = Object.keys(messages).find((k) => searchParams.has(k));
    if (!key) return;
    shopify.toast.show(messages[key]!);
    const next = new URLSearchParams(searchParams);
    for (const k of Object.keys(messages)) next.delete(k);
    setSearchParams(next, { replace: true, preventScrollReset: true });
    // messages is a literal at each call site; re-running for it would not change anything.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchParams, setSearchParams, shopify]);
}
