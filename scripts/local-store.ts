// The local development store (a stand-in for Shopify; see docs/decisions/0002-local-development-store.md).
//   npm run -s local-store                      starts it (HTTP on LOCAL_STORE_PORT, mail catcher on LOCAL_STORE_SMTP_PORT)
//   npm run -s local-store -- <command> ...     changes a running store over HTTP, like a merchant in Shopify admin:
//     order create --customer 1001 [--variant 8001] [--quantity 2] [--pending] [--tags a,b]
//     customer tag 1001 --add vip [--remove old]        customer create --email x@y.z [--first-name X]
//     product create --title Mug    inventory adjust --variant 8001 --delta -1    app uninstall | install
//     fault 5xx --for 10s [--status 502] | fault throttle --for 10s | fault clear | fault status
//   `npm run -s local-store -- --help` lists every command.
// The store reads no environment itself: LOCAL_STORE_PORT, LOCAL_STORE_HOST, LOCAL_STORE_BUCKET_SIZE,
// LOCAL_STORE_RESTORE_RATE, LOCAL_STORE_SMTP_PORT and LOCAL_STORE_WEBHOOK_TIME_SCALE configure it
// (app/config.server.ts), and it accepts the app's credentials and scopes.
import { Command, InvalidArgumentError } from "commander";
import { defaultLocalStoreUrl, loadConfigOrExit } from "../app/config.server";
import { createLocalStore } from "../app/local-store";

const config = loadConfigOrExit();
const { port, host } = config.localStore;
const defaultStoreUrl = config.localStore.url ?? defaultLocalStoreUrl();

function serve(): void {
  if (config.isProduction) {
    console.error(
      "The local development store is for development and tests only: it does not start with NODE_ENV=production.",
    );
    process.exit(1);
  }
  const store = createLocalStore({
    ...(config.shopify.apiKey && config.shopify.apiSecret
      ? { apiKey: config.shopify.apiKey, apiSecret: config.shopify.apiSecret }
      : {}),
    scopes: config.shopify.scopes.join(","),
    bucketSize: config.localStore.bucketSize,
    restoreRate: config.localStore.restoreRate,
    smtpPort: config.localStore.smtpPort,
    // Where relative webhook uris of shopify.app.toml point: the app.
    appUrl: config.shopify.appUrl,
    webhookTimeScale: config.localStore.webhookTimeScale,
  });
  store.listen(port, host).then(
    (url) => {
      console.log(`Local development store listening on ${url} (developer page: ${url}/_local/)`);
      console.log(`Mail catcher (SMTP) on ${host}:${store.mail?.port}; messages at ${url}/_local/mail/view`);
    },
    (error: NodeJS.ErrnoException & { port?: number }) => {
      const reason =
        error.code === "EADDRINUSE"
          ? `port ${error.port ?? port} is already in use (set LOCAL_STORE_PORT or LOCAL_STORE_SMTP_PORT)`
          : error.message;
      console.error(`Local development store could not start: ${reason}`);
      process.exit(1);
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      store.close().finally(() => process.exit(0));
    });
  }
}

// ---- client commands -------------------------------------------------------------------------

interface GlobalOptions {
  shop: string;
  store: string;
}

const program = new Command()
  .name("local-store")
  .description("Start the local development store, or change a running one over HTTP")
  .option("--shop <domain>", "shop to act on", "demo-store.myshopify.com")
  .option(
    "--store <url>",
    "running store's URL (default LOCAL_STORE_URL or http://127.0.0.1:LOCAL_STORE_PORT)",
    defaultStoreUrl,
  )
  .showHelpAfterError();

async function call(method: string, path: string, body?: unknown): Promise<void> {
  const { store, shop } = program.opts<GlobalOptions>();
  const url = `${store.replace(/\/+$/, "")}${path.replace("{shop}", encodeURIComponent(shop))}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    console.error(
      `Cannot reach the local store at ${store} (${(error as Error).message}). Is it running (npm run local-store)?`,
    );
    process.exit(1);
  }
  const text = await response.text();
  let printed = text;
  try {
    printed = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: print as is
  }
  if (!response.ok) {
    console.error(`${response.status} ${response.statusText}\n${printed}`);
    process.exit(1);
  }
  console.log(printed);
}

const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

program.command("serve", { isDefault: true }).description("start the store (the default)").action(serve);

const customer = program.command("customer").description("customers");
customer.command("list").action(() => call("GET", "/_local/shops/{shop}/customers"));
customer
  .command("show <id>")
  .description("a customer with metafields and orders")
  .action((id: string) => call("GET", `/_local/shops/{shop}/customers/${id}`));
customer
  .command("create")
  .option("--email <email>")
  .option("--first-name <name>")
  .option("--last-name <name>")
  .option("--tags <tags>", "comma separated", list)
  .action((options: { email?: string; firstName?: string; lastName?: string; tags?: string[] }) =>
    call("POST", "/_local/shops/{shop}/customers", options),
  );
customer
  .command("update <id>")
  .option("--email <email>")
  .option("--first-name <name>")
  .option("--last-name <name>")
  .option("--note <note>")
  .action((id: string, options: Record<string, string>) =>
    call("POST", `/_local/shops/{shop}/customers/${id}`, options),
  );
customer
  .command("tag <id>")
  .description("add or remove tags (customers/update and customer.tags_added/removed)")
  .option("--add <tags>", "comma separated", list)
  .option("--remove <tags>", "comma separated", list)
  .action((id: string, options: { add?: string[]; remove?: string[] }) =>
    call("POST", `/_local/shops/{shop}/customers/${id}/tags`, options),
  );
customer
  .command("metafield <id>")
  .requiredOption("--namespace <namespace>")
  .requiredOption("--key <key>")
  .requiredOption("--value <value>")
  .option("--type <type>", "metafield type", "single_line_text_field")
  .action((id: string, options: Record<string, string>) =>
    call("POST", `/_local/shops/{shop}/customers/${id}/metafields`, options),
  );
customer.command("delete <id>").action((id: string) => call("DELETE", `/_local/shops/{shop}/customers/${id}`));

const order = program.command("order").description("orders");
order.command("list").action(() => call("GET", "/_local/shops/{shop}/orders"));
order
  .command("create")
  .description("orders/create (and orders/paid unless --pending)")
  .option("--customer <id>", "customer id, e.g. 1001")
  .option("--variant <id>", "variant id (default: the first product's first variant)")
  .option("--quantity <n>", "quantity", (value) => Number(value), 1)
  .option("--pending", "create it unpaid")
  .option("--tags <tags>", "comma separated", list)
  .action((options: { customer?: string; variant?: string; quantity: number; pending?: boolean; tags?: string[] }) =>
    call("POST", "/_local/shops/{shop}/orders", {
      customer: options.customer,
      ...(options.variant ? { lineItems: [{ variantId: options.variant, quantity: options.quantity }] } : {}),
      financialStatus: options.pending ? "pending" : "paid",
      tags: options.tags,
    }),
  );
order.command("paid <id>").action((id: string) => call("POST", `/_local/shops/{shop}/orders/${id}/paid`, {}));
order
  .command("cancel <id>")
  .option("--reason <reason>", "CUSTOMER, DECLINED, FRAUD, INVENTORY, OTHER or STAFF", "OTHER")
  .action((id: string, options: { reason: string }) =>
    call("POST", `/_local/shops/{shop}/orders/${id}/cancel`, options),
  );
order
  .command("tag <id>")
  .option("--add <tags>", "comma separated", list)
  .option("--remove <tags>", "comma separated", list)
  .action((id: string, options: { add?: string[]; remove?: string[] }) =>
    call("POST", `/_local/shops/{shop}/orders/${id}/tags`, options),
  );
order.command("delete <id>").action((id: string) => call("DELETE", `/_local/shops/{shop}/orders/${id}`));

const draft = program.command("draft-order").description("draft orders");
draft.command("list").action(() => call("GET", "/_local/shops/{shop}/draft-orders"));
draft
  .command("create")
  .option("--customer <id>")
  .option("--variant <id>")
  .option("--quantity <n>", "quantity", (value) => Number(value), 1)
  .action((options: { customer?: string; variant?: string; quantity: number }) =>
    call("POST", "/_local/shops/{shop}/draft-orders", {
      customer: options.customer,
      ...(options.variant ? { lineItems: [{ variantId: options.variant, quantity: options.quantity }] } : {}),
    }),
  );
draft
  .command("complete <id>")
  .action((id: string) => call("POST", `/_local/shops/{shop}/draft-orders/${id}/complete`, {}));

const product = program.command("product").description("products");
product.command("list").action(() => call("GET", "/_local/shops/{shop}/products"));
product
  .command("create")
  .requiredOption("--title <title>")
  .option("--tags <tags>", "comma separated", list)
  .action((options: { title: string; tags?: string[] }) => call("POST", "/_local/shops/{shop}/products", options));
product
  .command("update <id>")
  .option("--title <title>")
  .option("--tags <tags>", "comma separated", list)
  .action((id: string, options: { title?: string; tags?: string[] }) =>
    call("POST", `/_local/shops/{shop}/products/${id}`, options),
  );
product.command("delete <id>").action((id: string) => call("DELETE", `/_local/shops/{shop}/products/${id}`));

program
  .command("inventory")
  .description("inventory_levels/update")
  .command("adjust")
  .requiredOption("--variant <id>")
  .requiredOption("--delta <n>", "change in the available quantity", (value) => Number(value))
  .action((options: { variant: string; delta: number }) =>
    call("POST", "/_local/shops/{shop}/inventory", { variantId: options.variant, delta: options.delta }),
  );

const app = program.command("app").description("the app's installation on the shop");
app
  .command("uninstall")
  .description("app/uninstalled")
  .action(() => call("POST", "/_local/shops/{shop}/uninstall"));
app.command("install").action(() => call("POST", "/_local/shops/{shop}/install"));
app
  .command("scopes")
  .description("show, grant or revoke optional scopes (app/scopes_update)")
  .option("--grant <scopes>", "comma separated", list)
  .option("--revoke <scopes>", "comma separated", list)
  .action((options: { grant?: string[]; revoke?: string[] }) =>
    options.grant || options.revoke
      ? call("POST", "/_local/shops/{shop}/scopes", options)
      : call("GET", "/_local/shops/{shop}/scopes"),
  );

const webhooks = program.command("webhooks").description("the app's webhook subscriptions and deliveries");
webhooks.command("subscriptions").action(() => call("GET", "/_local/shops/{shop}/webhook-subscriptions"));
webhooks
  .command("deliveries")
  .option("--topic <topic>")
  .action((options: { topic?: string }) =>
    call(
      "GET",
      `/_local/webhooks/deliveries?shop={shop}${options.topic ? `&topic=${encodeURIComponent(options.topic)}` : ""}`,
    ),
  );

program
  .command("mail")
  .description("messages caught by the mail catcher")
  .option("--to <address>")
  .action((options: { to?: string }) =>
    call("GET", `/_local/mail${options.to ? `?to=${encodeURIComponent(options.to)}` : ""}`),
  );

/** "10s", "500ms", "2m" or a plain number of seconds, as milliseconds. */
function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('a duration like "10s", "500ms" or "2m"');
  const unit = match[2] ?? "s";
  return Math.round(Number(match[1]) * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000));
}

const fault = program
  .command("fault")
  .description("make the Admin API answer 5xx or THROTTLED for a while (see app/local-store/faults.ts)");
fault
  .command("5xx")
  .description("answer HTTP 5xx (Shopify's INTERNAL_SERVER_ERROR body) to every Admin API request")
  .requiredOption("--for <duration>", 'how long, e.g. "10s" (at most 10 minutes)', duration)
  .option("--status <code>", "HTTP status, 500-599", (value) => Number(value), 503)
  .action((options: { for: number; status: number }) =>
    call("POST", "/_local/faults", { mode: "5xx", forMs: options.for, status: options.status }),
  );
fault
  .command("throttle")
  .description("hold every shop's cost bucket empty: requests get Shopify's THROTTLED answer")
  .requiredOption("--for <duration>", 'how long, e.g. "10s" (at most 10 minutes)', duration)
  .action((options: { for: number }) => call("POST", "/_local/faults", { mode: "throttle", forMs: options.for }));
fault
  .command("clear")
  .description("end the fault now")
  .action(() => call("DELETE", "/_local/faults"));
fault
  .command("status")
  .description("the current fault and how many answers were injected")
  .action(() => call("GET", "/_local/faults"));

await program.parseAsync(process.argv);
