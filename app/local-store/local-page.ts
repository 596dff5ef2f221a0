// The store's developer page (GET /_local/ and /_local/mail/view): what a merchant would see in
// Shopify admin, reduced to what Hookline development needs: customers with ids, tags and
// metafields, orders, products and inventory, draft orders, the app's webhook subscriptions and
// deliveries, and caught mail, with small forms that call the /_local JSON endpoints.
import type { LocalStoreState } from "./state";
import type { WebhookDispatcher } from "./webhooks/dispatcher";
import type { MailCatcher } from "./mail/catcher";

const escape = (value: unknown): string =>
  String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f7}
header{background:#1a1a1a;color:#fff;padding:10px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#fff}main{padding:16px 20px;max-width:1200px}section{background:#fff;border-radius:10px;padding:12px 16px;margin:0 0 16px;box-shadow:0 1px 2px #0002}
h2{font-size:16px;margin:4px 0 10px}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-top:1px solid #eee;vertical-align:top}
code{font-size:12px}form{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:8px 0}input,select{padding:4px 6px}
button{padding:4px 10px;border-radius:6px;border:1px solid #999;background:#fff;cursor:pointer}.empty{color:#666}
.ok{color:#0a7a2f}.bad{color:#b3261e}#result{white-space:pre-wrap;font:12px monospace;background:#f1f1f1;padding:8px;border-radius:6px;max-height:200px;overflow:auto}
iframe{width:100%;height:260px;border:1px solid #ddd;border-radius:6px}`;

// Every form posts its fields as JSON to its data-path (with {shop} filled in) and reloads.
const SCRIPT = `document.querySelectorAll("form[data-path]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    new FormData(form).forEach(function (value, key) {
      if (value === "") return;
      if (key === "tags" || key === "add" || key === "remove" || key === "grant" || key === "revoke") body[key] = String(value).split(",").map(function (t) { return t.trim(); });
      else if (key === "quantity" || key === "delta") body[key] = Number(value);
      else body[key] = value;
    });
    if (body.variantId) { body.lineItems = [{ variantId: body.variantId, quantity: body.quantity || 1 }]; delete body.variantId; delete body.quantity; }
    var path = form.getAttribute("data-path").replace(/\\{(\\w+)\\}/g, function (_, name) { var v = body[name]; delete body[name]; return encodeURIComponent(v); });
    fetch(path, { method: form.getAttribute("data-method") || "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t }; }); })
      .then(function (r) { sessionStorage.setItem("local-store-result", r.status + " " + r.text); location.reload(); });
  });
});
var last = sessionStorage.getItem("local-store-result");
if (last) { document.getElementById("result").textContent = last; sessionStorage.removeItem("local-store-result"); }`;

function page(title: string, shop: string, shops: string[], body: string): string {
  const options = shops
    .map((domain) => `<option${domain === shop ? " selected" : ""}>${escape(domain)}</option>`)
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>
<header><strong>Hookline local development store</strong>
<form method="get" action="/_local/"><label>Shop <select name="shop" onchange="this.form.submit()">${options}</select></label></form>
<a href="/_local/?shop=${encodeURIComponent(shop)}">Store</a><a href="/_local/mail/view">Mail</a></header>
<main><div id="result" aria-live="polite"></div>${body}</main><script>${SCRIPT}</script></body></html>`;
}

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escape(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

export function renderStorePage(
  state: LocalStoreState,
  webhooks: WebhookDispatcher,
  requestedShop: string | null,
): string {
  const shops = state.shopDomains();
  const shop = requestedShop && state.hasShop(requestedShop) ? requestedShop : shops[0];
  const commerce = state.commerce;
  const base = `/_local/shops/${encodeURIComponent(shop)}`;
  const installed = state.installations.isInstalled(shop);
  const scopes = state.installations.detail(shop);

  const customers = table(
    ["Id", "Name", "Email", "Tags", "Metafields"],
    state.listCustomers(shop).map((customer) => [
      `<code>${customer.id}</code>`,
      escape([customer.firstName, customer.lastName].filter(Boolean).join(" ")),
      escape(customer.email),
      escape(customer.tags.join(", ")),
      state
        .listMetafields(shop, customer.id)
        .map((m) => `<code>${escape(`${m.namespace}.${m.key}`)}</code> = ${escape(m.value)}`)
        .join("<br>"),
    ]),
    "No customers.",
  );
  const orders = table(
    ["Id", "Name", "Customer", "Financial status", "Total", "Tags", "Created"],
    commerce
      .listOrders(shop)
      .map((order) => [
        `<code>${order.id}</code>`,
        escape(order.name),
        order.customerId === null ? "" : `<code>${order.customerId}</code>`,
        escape(order.cancelledAt ? `${order.financialStatus} (cancelled)` : order.financialStatus),
        escape(
          `${order.lineItems.reduce((sum, item) => sum + Number(item.price) * item.quantity, 0).toFixed(2)} ${order.currency}`,
        ),
        escape(order.tags.join(", ")),
        escape(order.createdAt),
      ]),
    "No orders yet.",
  );
  const products = table(
    ["Id", "Title", "Status", "Variants (id: title, price, available)"],
    commerce
      .listProducts(shop)
      .map((product) => [
        `<code>${product.id}</code>`,
        escape(product.title),
        escape(product.status),
        product.variants
          .map(
            (variant) =>
              `<code>${variant.id}</code>: ${escape(variant.title)}, ${escape(variant.price)}, ${commerce.inventoryQuantity(shop, variant)}`,
          )
          .join("<br>"),
      ]),
    "No products.",
  );
  const drafts = table(
    ["Id", "Name", "Status", "Customer", "Order"],
    commerce
      .listDraftOrders(shop)
      .map((draft) => [
        `<code>${draft.id}</code>`,
        escape(draft.name),
        escape(draft.status),
        draft.customerId === null ? "" : `<code>${draft.customerId}</code>`,
        draft.orderId === null ? "" : `<code>${draft.orderId}</code>`,
      ]),
    "No draft orders.",
  );
  const subscriptions = table(
    ["Id", "Topic", "Address", "Created"],
    state.webhookSubscriptions
      .list(shop)
      .map((subscription) => [
        `<code>${subscription.id}</code>`,
        escape(subscription.topic),
        `<code>${escape(subscription.uri)}</code>`,
        escape(subscription.createdAt),
      ]),
    "The app has created no webhook subscriptions on this shop.",
  );
  const deliveries = table(
    ["Topic", "Address", "State", "Attempts", "Webhook id"],
    webhooks
      .deliveries({ shop })
      .slice(0, 50)
      .map((record) => [
        escape(record.topic),
        `<code>${escape(record.url)}</code>`,
        `<span class="${record.state === "delivered" ? "ok" : record.state === "failed" ? "bad" : ""}">${escape(record.state)}${record.subscriptionRemoved ? " (subscription removed)" : ""}</span>`,
        record.attempts.map((attempt) => escape(attempt.status ?? attempt.error)).join(", "),
        `<code>${escape(record.webhookId)}</code>`,
      ]),
    "No deliveries yet.",
  );

  const body = `
<section><h2>App on ${escape(shop)}: ${installed ? "installed" : "uninstalled"}</h2>
<p>Granted scopes: <code>${escape(scopes.granted.join(", "))}</code>; optional: <code>${escape(scopes.optional.join(", ") || "none")}</code></p>
<form data-path="${base}/${installed ? "uninstall" : "install"}"><button>${installed ? "Uninstall the app" : "Install the app"}</button></form>
<form data-path="${base}/scopes"><label>Grant optional scopes <input name="grant" placeholder="read_orders"></label><button>Grant</button></form>
<form data-path="${base}/scopes"><label>Revoke <input name="revoke" placeholder="read_orders"></label><button>Revoke</button></form></section>
<section><h2>Customers</h2>${customers}
<form data-path="${base}/customers"><input name="firstName" placeholder="First name"><input name="email" placeholder="Email"><input name="tags" placeholder="tags, comma separated"><button>Create customer</button></form>
<form data-path="${base}/customers/{customer}/tags"><label>Customer id <input name="customer" value="1001" size="6"></label><input name="add" placeholder="tag to add"><input name="remove" placeholder="tag to remove"><button>Change tags</button></form>
<form data-path="${base}/customers/{customer}"><label>Customer id <input name="customer" value="1001" size="6"></label><input name="note" placeholder="Note"><button>Update customer</button></form>
<form data-path="${base}/customers/{customer}/metafields"><label>Customer id <input name="customer" value="1001" size="6"></label><input name="namespace" placeholder="namespace"><input name="key" placeholder="key"><input name="type" value="single_line_text_field"><input name="value" placeholder="value"><button>Set metafield</button></form></section>
<section><h2>Orders</h2>${orders}
<form data-path="${base}/orders"><label>Customer id <input name="customer" value="1001" size="6"></label><label>Variant id <input name="variantId" value="${commerce.listProducts(shop)[0]?.variants[0]?.id ?? ""}" size="8"></label><label>Quantity <input name="quantity" value="1" size="3"></label><select name="financialStatus"><option>paid</option><option>pending</option></select><button>Create order</button></form>
<form data-path="${base}/orders/{order}/tags"><label>Order id <input name="order" size="8"></label><input name="add" placeholder="tag to add"><button>Tag order</button></form>
<form data-path="${base}/orders/{order}/paid"><label>Order id <input name="order" size="8"></label><button>Mark as paid</button></form>
<form data-path="${base}/orders/{order}/cancel"><label>Order id <input name="order" size="8"></label><button>Cancel order</button></form></section>
<section><h2>Products and inventory</h2>${products}
<form data-path="${base}/products"><input name="title" placeholder="Title"><button>Create product</button></form>
<form data-path="${base}/inventory"><label>Variant id <input name="variantId" size="8"></label><label>Change <input name="delta" value="-1" size="4"></label><button>Adjust available</button></form></section>
<section><h2>Draft orders</h2>${drafts}
<form data-path="${base}/draft-orders"><label>Customer id <input name="customer" value="1001" size="6"></label><label>Variant id <input name="variantId" size="8"></label><button>Create draft order</button></form>
<form data-path="${base}/draft-orders/{draft}/complete"><label>Draft order id <input name="draft" size="8"></label><button>Complete</button></form></section>
<section><h2>Webhook subscriptions</h2>${subscriptions}</section>
<section><h2>Webhook deliveries (newest first)</h2>${deliveries}</section>`;
  return page("Local development store", shop, shops, body);
}

export function renderMailPage(state: LocalStoreState, mail: MailCatcher | null): string {
  const shops = state.shopDomains();
  if (!mail)
    return page("Mail", shops[0], shops, `<section><p class="empty">The mail catcher is not running.</p></section>`);
  const messages = mail.messages();
  const list =
    messages.length === 0
      ? `<p class="empty">No mail yet. Send SMTP to 127.0.0.1:${mail.port ?? "?"}.</p>`
      : messages
          .map(
            (message) => `<section data-testid="mail-message"><h2>${escape(message.subject || "(no subject)")}</h2>
<p>From <code>${escape(message.from)}</code> to <code>${escape(message.to || message.envelope.to.join(", "))}</code>${message.cc ? `, cc <code>${escape(message.cc)}</code>` : ""} at ${escape(message.receivedAt)}</p>
${message.html !== null ? `<iframe sandbox="" title="${escape(message.subject)}" srcdoc="${escape(message.html)}"></iframe>` : `<pre>${escape(message.text)}</pre>`}
<details><summary>Headers</summary>${table(
              ["Header", "Value"],
              Object.entries(message.headers).map(([name, value]) => [escape(name), `<code>${escape(value)}</code>`]),
              "",
            )}</details></section>`,
          )
          .join("");
  return page(
    "Mail",
    shops[0],
    shops,
    `<section><h2>Mail caught on SMTP port ${mail.port ?? "?"}</h2><form data-path="/_local/mail" data-method="DELETE"><button>Clear</button></form></section>${list}`,
  );
}
