// The task templates shipped with Hookline (offered by the UI when creating a task).
import type { TaskDraft } from "./task-json";

export interface TaskTemplate {
  id: "echo" | "customer-metafield" | "forward-to-url" | "respond-with-quote";
  title: string;
  summary: string;
  draft: TaskDraft;
}

const ECHO_SCRIPT = `{% action "echo", event.data %}
`;

const METAFIELD_SCRIPT = `{% comment %}
  Send JSON like {"customer_id": 1234567890, "value": {"plan": "gold"}} to your webhook.
  customer_id may also be a full ID such as "gid://shopify/Customer/1234567890".
  Without "value", the other fields are stored, without what only carries the request
  (customer_id, request_id, customer_signature: the Hookline storefront block sends them).
{% endcomment %}
{% assign customer_id = event.data.customer_id %}
{% if customer_id == blank %}
  {% error 'event.data.customer_id is missing: post JSON like {"customer_id": 1234567890, "value": "..."}' %}
{% else %}
  {% assign customer_gid = customer_id | append: "" %}
  {% unless customer_gid contains "gid://shopify/Customer/" %}
    {% assign customer_gid = "gid://shopify/Customer/" | append: customer_gid %}
  {% endunless %}

  {% if event.data.value == nil %}
    {% assign value = event.data | except: "customer_id", "request_id", "customer_signature" %}
  {% else %}
    {% assign value = event.data.value %}
  {% endif %}

  {% if options.metafield_type__required == "json" %}
    {% assign value_text = value | json %}
  {% else %}
    {% assign value_text = value | append: "" %}
  {% endif %}

  {% assign metafield = hash %}
  {% assign metafield["ownerId"] = customer_gid %}
  {% assign metafield["namespace"] = options.metafield_namespace__required %}
  {% assign metafield["key"] = options.metafield_key__required %}
  {% assign metafield["type"] = options.metafield_type__required %}
  {% assign metafield["value"] = value_text %}
  {% assign metafields = array | push: metafield %}

  {% action "shopify" %}
    {
      "query": "mutation SetCustomerMetafield($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { id namespace key } userErrors { field message code } } }",
      "variables": {
        "metafields": {{ metafields | json }}
      }
    }
  {% endaction %}
{% endif %}
`;

const FORWARD_SCRIPT = `{% comment %}
  Forwards the event data as a JSON POST to options.url__required, signed with the Standard
  Webhooks scheme (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
  webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>". The signing secret is the
  receiver's base64 secret, with or without its "whsec_" prefix; leave it empty to send unsigned.
{% endcomment %}
{% assign body = event.data | json %}
{% assign webhook_id = event.id %}
{% assign timestamp = "now" | date: "%s" %}
{% assign secret = options.signing_secret__secret | strip | remove_first: "whsec_" %}
{% if secret != blank %}
  {% assign secret_bytes = secret | base64_decode %}
  {% assign signed_content = webhook_id | append: "." | append: timestamp | append: "." | append: body %}
  {% assign signature = signed_content | hmac_sha256: secret_bytes, binary: true | base64_encode | prepend: "v1," %}
{% endif %}

{% action "http" %}
  {
    "method": "post",
    "url": {{ options.url__required | json }},
    "headers": {
      "content-type": "application/json",
      "webhook-id": {{ webhook_id | json }},
      "webhook-timestamp": {{ timestamp | json }}{% if signature %},
      "webhook-signature": {{ signature | json }}{% endif %}
    },
    "body": {{ body | json }}
  }
{% endaction %}
`;

const QUOTE_SCRIPT = `{% comment %}
  Answers the caller of a wait-mode webhook with a quote for the posted cart lines.
  POST JSON like {"lines": [{"quantity": 2, "price": "12.50"}, {"quantity": 1, "price": 5}]}.
  A storefront's /cart.js works as it is: its "items" have prices in cents.
  On the webhook's page choose "Wait for a task's response" so the caller gets this answer.
{% endcomment %}
{% assign lines = event.data.lines %}
{% assign in_cents = false %}
{% if lines == blank and event.data.items != blank %}
  {% assign lines = event.data.items %}
  {% assign in_cents = true %}
{% endif %}

{% if lines == blank %}
  {% action "respond",
    status: 422,
    body: {"error": 'post JSON with cart lines, like {"lines": [{"quantity": 1, "price": "9.99"}]}'}
  %}
{% else %}
  {% assign subtotal = 0.0 %}
  {% assign quantity = 0 %}
  {% for line in lines %}
    {% assign line_quantity = line.quantity | default: 1 | times: 1 %}
    {% if in_cents %}
      {% assign unit_price = line.price | divided_by: 100.0 %}
    {% else %}
      {% assign unit_price = line.price | times: 1.0 %}
    {% endif %}
    {% assign subtotal = unit_price | times: line_quantity | plus: subtotal %}
    {% assign quantity = quantity | plus: line_quantity %}
  {% endfor %}
  {% assign discount_percent = options.discount_percent__number | default: 0 | times: 1.0 %}
  {% assign discount = subtotal | times: discount_percent | divided_by: 100 | round: 2 %}
  {% assign total = subtotal | minus: discount | round: 2 %}
  {% assign subtotal = subtotal | round: 2 %}

  {% action "respond",
    status: 200,
    headers: {"cache-control": "no-store"},
    body: {
      "quantity": quantity,
      "subtotal": subtotal,
      "discount": discount,
      "total": total,
      "currency": shop.currency
    }
  %}
{% endif %}
`;

function draft(partial: Partial<TaskDraft> & Pick<TaskDraft, "name" | "script" | "subscriptions">): TaskDraft {
  return {
    subscriptionsTemplate: null,
    options: {},
    docs: null,
    performActionRunsInSequence: false,
    haltActionRunSequenceOnError: false,
    previewEventDefinitions: [],
    extra: {},
    ...partial,
  };
}

export const TASK_TEMPLATES: TaskTemplate[] = [
  {
    id: "echo",
    title: "Echo",
    summary: "Records the webhook's data as the action result: the quickest way to see what arrives.",
    draft: draft({
      name: "Echo",
      subscriptions: ["user/webhook/test"],
      script: ECHO_SCRIPT,
      docs: "Echoes each event's data back as the result of an echo action. Useful to check what a webhook receives.",
      previewEventDefinitions: [
        { description: "A test webhook", event_attributes: { topic: "user/webhook/test", data: { hello: "world" } } },
      ],
    }),
  },
  {
    id: "customer-metafield",
    title: "Set a customer metafield from a webhook",
    summary: "Writes the posted value into a metafield of the customer named by customer_id.",
    draft: draft({
      name: "Set a customer metafield from a webhook",
      subscriptions: ["user/customer/metafield"],
      script: METAFIELD_SCRIPT,
      options: {
        metafield_namespace__required: "hookline",
        metafield_key__required: "webhook_data",
        metafield_type__required: "json",
      },
      docs: 'POST JSON like {"customer_id": 1234567890, "value": {"plan": "gold"}} to the webhook. The task writes the value to the customer metafield named by the options (type "json" stores any JSON; other Shopify types such as single_line_text_field store the value as text).',
      previewEventDefinitions: [
        {
          description: "A customer and a value",
          event_attributes: {
            topic: "user/customer/metafield",
            data: { customer_id: 1234567890, value: { plan: "gold" } },
          },
        },
      ],
    }),
  },
  {
    id: "forward-to-url",
    title: "Forward to a URL",
    summary: "POSTs each event's data to a URL, signed with the Standard Webhooks scheme.",
    draft: draft({
      name: "Forward to a URL",
      subscriptions: ["user/webhook/forward"],
      script: FORWARD_SCRIPT,
      options: { url__required: "https://example.com/webhooks/hookline", signing_secret__secret: "" },
      docs: "Sends every event's data as JSON to the URL, with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) so the receiver can verify it came from this store.",
      previewEventDefinitions: [
        {
          description: "An event to forward",
          event_attributes: { topic: "user/webhook/forward", data: { hello: "world" } },
        },
      ],
    }),
  },
  {
    id: "respond-with-quote",
    title: "Respond with a quote",
    summary: "Answers the webhook's caller with the total of the posted cart lines (a wait-mode webhook).",
    draft: draft({
      name: "Respond with a quote",
      subscriptions: ["user/quote/requested"],
      script: QUOTE_SCRIPT,
      options: { discount_percent__number: 0 },
      docs: 'For a webhook in "Wait for a task\'s response" mode: POST JSON like {"lines": [{"quantity": 2, "price": "12.50"}]} (or a storefront\'s /cart.js) and the response is {"quantity", "subtotal", "discount", "total", "currency"}. The discount option takes a percentage off the subtotal.',
      previewEventDefinitions: [
        {
          description: "Two cart lines",
          event_attributes: {
            topic: "user/quote/requested",
            data: {
              lines: [
                { quantity: 2, price: "12.50" },
                { quantity: 1, price: 5 },
              ],
            },
          },
        },
      ],
    }),
  },
];

export function findTaskTemplate(id: string): TaskTemplate | null {
  return TASK_TEMPLATES.find((template) => template.id === id) ?? null;
}
