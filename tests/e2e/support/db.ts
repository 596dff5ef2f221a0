// Direct access to the e2e server's SQLite database (scripts/e2e-server.ts), for test setup only.
import Database from "better-sqlite3";

export const E2E_DATABASE = "tests/output/e2e.sqlite";

/**
 * Makes a shop a new merchant again: no webhooks, tasks or events (runs go with them). Other spec
 * files share the local store's shops, so a "new merchant" test cannot rely on running first.
 */
export function resetShopData(shop: string): void {
  const db = new Database(E2E_DATABASE);
  try {
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    db.transaction(() => {
      db.prepare("DELETE FROM Event WHERE shop = ?").run(shop);
      db.prepare("DELETE FROM Task WHERE shop = ?").run(shop);
      db.prepare("DELETE FROM Webhook WHERE shop = ?").run(shop);
    })();
  } finally {
    db.close();
  }
}
