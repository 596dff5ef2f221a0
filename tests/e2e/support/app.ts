import type { Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { expect } from "@playwright/test";

export const SCREENSHOT_DIR = "tests/output/screenshots";

/** Opens the embedded app the way a new merchant would in local mode: through the local login. */
export async function loginAs(page: Page, shop = "demo-store.myshopify.com", path = "/app"): Promise<void> {
  await page.goto(`/local/login?shop=${encodeURIComponent(shop)}&path=${encodeURIComponent(path)}`);
  await page.waitForURL((url) => url.pathname.startsWith("/app"));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
}

/** axe-core on the current page: no serious or critical violations. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}
