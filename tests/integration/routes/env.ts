// Imported first by the UI integration tests: the configuration the Shopify app is created from.
import { loadConfig } from "~/config.server";

// Real credentials-shaped values, not local mode: sessions are seeded so no token exchange happens.
process.env.SHOPIFY_API_KEY = "ui-test-api-key";
process.env.SHOPIFY_API_SECRET = "ui-test-api-secret";
process.env.SHOPIFY_APP_URL ??= "http://localhost:3999";
process.env.SCOPES = "read_customers,write_customers";
delete process.env.LOCAL_STORE_URL;
loadConfig();
