// Helpers for the screen tests: toasts from the local App Bridge stub, narrow-screen checks, and
// the local development store's inspection API.
import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { screenshot } from "./app";

export const LOCAL_STORE = `http://127.0.0.1:${process.env.E2E_LOCAL_STORE_PORT || Number(process.env.E2E_PORT || 3100) + 1}`;

/** The stub's shopify.toast.show writes into [data-testid=local-toast]. */
export async function expectToast(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.getByTestId("local-toast")).toContainText(text);
}

/** Nothing sticks out sideways at the current viewport width (the page itself must not scroll horizontally). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`).toBeLessThanOrEqual(
    innerWidth + 1,
  );
}

/** Waits until Remix has no navigation or fetcher in flight (the Polaris loading states are gone). */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
}

/** A screenshot without the toasts that float over the page (they hide content in full-page shots). */
export async function screenshotScreen(page: Page, name: string): Promise<void> {
  await page.evaluate(() => {
    const region = document.querySelector<HTMLElement>("[data-testid=local-toast]");
    if (region) region.style.visibility = "hidden";
  });
  await screenshot(page, name);
  await page.evaluate(() => {
    const region = document.querySelector<HTMLElement>("[data-testid=local-toast]");
    if (region) region.style.visibility = "";
  });
}
