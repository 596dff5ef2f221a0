// Shop money as the Admin API writes it ("12.50"), computed in whole cents so sums never drift.
// Used by the commerce state, its GraphQL views and its webhook payloads alike.
import type { LocalLineItem } from "./commerce";

export function toCents(amount: string): number {
  const [whole, fraction = ""] = amount.replace(/^-/, "").split(".");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
  return amount.startsWith("-") ? -cents : cents;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, "0")}`;
}

export function lineItemsSubtotalCents(items: LocalLineItem[]): number {
  return items.reduce((sum, item) => sum + toCents(item.price) * item.quantity, 0);
}
