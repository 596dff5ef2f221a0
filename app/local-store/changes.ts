// What happened in the store, as Shopify would report it: one change per webhook topic, with the
// REST-shaped payload taken at that moment (a retried delivery resends this same payload, as
// Shopify does). The webhook dispatcher listens here; nothing else needs to know who listens.

export interface ResourceChange {
  shop: string;
  /** Shopify's topic string, e.g. "orders/create" or "customer.tags_added". */
  topic: string;
  payload: Record<string, unknown>;
  /** ISO time the change happened (X-Shopify-Triggered-At). */
  occurredAt: string;
}

export type ChangeListener = (change: ResourceChange) => void;

export class ChangeFeed {
  private listeners: ChangeListener[] = [];

  subscribe(listener: ChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  emit(change: ResourceChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
