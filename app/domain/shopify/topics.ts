// The Shopify webhook topics Hookline supports: Mechanic's native `shopify/<subject>/<verb>` topics
// that Shopify's Admin API 2025-10 offers (its WebhookSubscriptionTopic enum), each with Shopify's
// topic string, the enum value used to subscribe, the access scopes Shopify requires for it (any one
// of them; a write scope also grants its read scope), and the variable a task sees the payload under
// (Mechanic names it after the event subject: `order` for shopify/orders/*, `customer` for
// shopify/customer/tags_added, `inventory_level` for shopify/inventory_levels/*).
// Topics only an individual app receives (app/*, subscriptions, listings...) are not here, as in
// Mechanic. tests/unit/topics/shopify-topics.test.ts checks every row against the real schema.

export interface ShopifyTopic {
  /** What a task subscribes to, e.g. "shopify/orders/create". */
  readonly mechanic: string;
  /** Shopify's topic string (X-Shopify-Topic), e.g. "orders/create" or "customer.tags_added". */
  readonly shopify: string;
  /** The WebhookSubscriptionTopic enum value, e.g. "ORDERS_CREATE". */
  readonly enumValue: string;
  /** Any one of these scopes lets the app subscribe; empty when none is needed. */
  readonly scopes: readonly string[];
  /** The Liquid variable holding the payload, e.g. "order". */
  readonly subject: string;
}

// [Shopify topic, enum value, scopes (any of)], from Shopify's schema (2025-10).
const ROWS: readonly (readonly [string, string, readonly string[]])[] = [
  ["carts/create", "CARTS_CREATE", ["read_orders"]],
  ["carts/update", "CARTS_UPDATE", ["read_orders"]],
  ["channels/delete", "CHANNELS_DELETE", ["read_publications"]],
  ["checkouts/create", "CHECKOUTS_CREATE", ["read_orders"]],
  ["checkouts/delete", "CHECKOUTS_DELETE", ["read_orders"]],
  ["checkouts/update", "CHECKOUTS_UPDATE", ["read_orders"]],
  ["collections/create", "COLLECTIONS_CREATE", ["read_products"]],
  ["collections/delete", "COLLECTIONS_DELETE", ["read_products"]],
  ["collections/update", "COLLECTIONS_UPDATE", ["read_products"]],
  ["companies/create", "COMPANIES_CREATE", ["read_customers", "read_companies"]],
  ["companies/delete", "COMPANIES_DELETE", ["read_customers", "read_companies"]],
  ["companies/update", "COMPANIES_UPDATE", ["read_customers", "read_companies"]],
  ["company_contact_roles/assign", "COMPANY_CONTACT_ROLES_ASSIGN", ["read_customers", "read_companies"]],
  ["company_contact_roles/revoke", "COMPANY_CONTACT_ROLES_REVOKE", ["read_customers", "read_companies"]],
  ["company_contacts/create", "COMPANY_CONTACTS_CREATE", ["read_customers", "read_companies"]],
  ["company_contacts/delete", "COMPANY_CONTACTS_DELETE", ["read_customers", "read_companies"]],
  ["company_contacts/update", "COMPANY_CONTACTS_UPDATE", ["read_customers", "read_companies"]],
  ["company_locations/create", "COMPANY_LOCATIONS_CREATE", ["read_customers", "read_companies"]],
  ["company_locations/delete", "COMPANY_LOCATIONS_DELETE", ["read_customers", "read_companies"]],
  ["company_locations/update", "COMPANY_LOCATIONS_UPDATE", ["read_customers", "read_companies"]],
  ["customer.joined_segment", "CUSTOMER_JOINED_SEGMENT", ["read_customers"]],
  ["customer.left_segment", "CUSTOMER_LEFT_SEGMENT", ["read_customers"]],
  ["customer.tags_added", "CUSTOMER_TAGS_ADDED", ["read_customers"]],
  ["customer.tags_removed", "CUSTOMER_TAGS_REMOVED", ["read_customers"]],
  ["customer_account_settings/update", "CUSTOMER_ACCOUNT_SETTINGS_UPDATE", []],
  ["customer_groups/create", "CUSTOMER_GROUPS_CREATE", ["read_customers"]],
  ["customer_groups/delete", "CUSTOMER_GROUPS_DELETE", ["read_customers"]],
  ["customer_groups/update", "CUSTOMER_GROUPS_UPDATE", ["read_customers"]],
  ["customers/create", "CUSTOMERS_CREATE", ["read_customers"]],
  ["customers/delete", "CUSTOMERS_DELETE", ["read_customers"]],
  ["customers/disable", "CUSTOMERS_DISABLE", ["read_customers"]],
  ["customers/enable", "CUSTOMERS_ENABLE", ["read_customers"]],
  ["customers/merge", "CUSTOMERS_MERGE", ["read_customer_merge"]],
  ["customers/purchasing_summary", "CUSTOMERS_PURCHASING_SUMMARY", ["read_customers"]],
  ["customers/update", "CUSTOMERS_UPDATE", ["read_customers"]],
  ["customers_email_marketing_consent/update", "CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE", ["read_customers"]],
  ["customers_marketing_consent/update", "CUSTOMERS_MARKETING_CONSENT_UPDATE", ["read_customers"]],
  ["delivery_promise_settings/update", "DELIVERY_PROMISE_SETTINGS_UPDATE", ["read_shipping"]],
  ["discounts/create", "DISCOUNTS_CREATE", ["read_discounts"]],
  ["discounts/delete", "DISCOUNTS_DELETE", ["read_discounts"]],
  ["discounts/redeemcode_added", "DISCOUNTS_REDEEMCODE_ADDED", ["read_discounts"]],
  ["discounts/redeemcode_removed", "DISCOUNTS_REDEEMCODE_REMOVED", ["read_discounts"]],
  ["discounts/update", "DISCOUNTS_UPDATE", ["read_discounts"]],
  ["disputes/create", "DISPUTES_CREATE", ["read_shopify_payments_disputes"]],
  ["disputes/update", "DISPUTES_UPDATE", ["read_shopify_payments_disputes"]],
  ["domains/create", "DOMAINS_CREATE", []],
  ["domains/destroy", "DOMAINS_DESTROY", []],
  ["domains/update", "DOMAINS_UPDATE", []],
  ["draft_orders/create", "DRAFT_ORDERS_CREATE", ["read_draft_orders"]],
  ["draft_orders/delete", "DRAFT_ORDERS_DELETE", ["read_draft_orders"]],
  ["draft_orders/update", "DRAFT_ORDERS_UPDATE", ["read_draft_orders"]],
  ["finance_app_staff_member/delete", "FINANCE_APP_STAFF_MEMBER_DELETE", ["read_financial_kyc_information"]],
  ["finance_app_staff_member/grant", "FINANCE_APP_STAFF_MEMBER_GRANT", ["read_financial_kyc_information"]],
  ["finance_app_staff_member/revoke", "FINANCE_APP_STAFF_MEMBER_REVOKE", ["read_financial_kyc_information"]],
  ["finance_app_staff_member/update", "FINANCE_APP_STAFF_MEMBER_UPDATE", ["read_financial_kyc_information"]],
  ["finance_kyc_information/update", "FINANCE_KYC_INFORMATION_UPDATE", ["read_financial_kyc_information"]],
  ["fulfillment_events/create", "FULFILLMENT_EVENTS_CREATE", ["read_fulfillments"]],
  ["fulfillment_events/delete", "FULFILLMENT_EVENTS_DELETE", ["read_fulfillments"]],
  [
    "fulfillment_holds/added",
    "FULFILLMENT_HOLDS_ADDED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_holds/released",
    "FULFILLMENT_HOLDS_RELEASED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/cancellation_request_accepted",
    "FULFILLMENT_ORDERS_CANCELLATION_REQUEST_ACCEPTED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/cancellation_request_rejected",
    "FULFILLMENT_ORDERS_CANCELLATION_REQUEST_REJECTED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/cancellation_request_submitted",
    "FULFILLMENT_ORDERS_CANCELLATION_REQUEST_SUBMITTED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/cancelled",
    "FULFILLMENT_ORDERS_CANCELLED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/fulfillment_request_accepted",
    "FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_ACCEPTED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/fulfillment_request_rejected",
    "FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_REJECTED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/fulfillment_request_submitted",
    "FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_SUBMITTED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/fulfillment_service_failed_to_complete",
    "FULFILLMENT_ORDERS_FULFILLMENT_SERVICE_FAILED_TO_COMPLETE",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/hold_released",
    "FULFILLMENT_ORDERS_HOLD_RELEASED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/line_items_prepared_for_local_delivery",
    "FULFILLMENT_ORDERS_LINE_ITEMS_PREPARED_FOR_LOCAL_DELIVERY",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/line_items_prepared_for_pickup",
    "FULFILLMENT_ORDERS_LINE_ITEMS_PREPARED_FOR_PICKUP",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/merged",
    "FULFILLMENT_ORDERS_MERGED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/moved",
    "FULFILLMENT_ORDERS_MOVED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/order_routing_complete",
    "FULFILLMENT_ORDERS_ORDER_ROUTING_COMPLETE",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_buyer_membership_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/placed_on_hold",
    "FULFILLMENT_ORDERS_PLACED_ON_HOLD",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/rescheduled",
    "FULFILLMENT_ORDERS_RESCHEDULED",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/scheduled_fulfillment_order_ready",
    "FULFILLMENT_ORDERS_SCHEDULED_FULFILLMENT_ORDER_READY",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
      "read_marketplace_fulfillment_orders",
    ],
  ],
  [
    "fulfillment_orders/split",
    "FULFILLMENT_ORDERS_SPLIT",
    [
      "read_merchant_managed_fulfillment_orders",
      "read_assigned_fulfillment_orders",
      "read_third_party_fulfillment_orders",
    ],
  ],
  ["fulfillments/create", "FULFILLMENTS_CREATE", ["read_fulfillments", "read_marketplace_orders"]],
  ["fulfillments/update", "FULFILLMENTS_UPDATE", ["read_fulfillments", "read_marketplace_orders"]],
  ["inventory_items/create", "INVENTORY_ITEMS_CREATE", ["read_inventory", "read_products"]],
  ["inventory_items/delete", "INVENTORY_ITEMS_DELETE", ["read_inventory", "read_products"]],
  ["inventory_items/update", "INVENTORY_ITEMS_UPDATE", ["read_inventory", "read_products"]],
  ["inventory_levels/connect", "INVENTORY_LEVELS_CONNECT", ["read_inventory"]],
  ["inventory_levels/disconnect", "INVENTORY_LEVELS_DISCONNECT", ["read_inventory"]],
  ["inventory_levels/update", "INVENTORY_LEVELS_UPDATE", ["read_inventory"]],
  ["inventory_shipments/add_items", "INVENTORY_SHIPMENTS_ADD_ITEMS", ["read_inventory_shipments"]],
  ["inventory_shipments/create", "INVENTORY_SHIPMENTS_CREATE", ["read_inventory_shipments"]],
  ["inventory_shipments/delete", "INVENTORY_SHIPMENTS_DELETE", ["read_inventory_shipments"]],
  ["inventory_shipments/mark_in_transit", "INVENTORY_SHIPMENTS_MARK_IN_TRANSIT", ["read_inventory_shipments"]],
  [
    "inventory_shipments/receive_items",
    "INVENTORY_SHIPMENTS_RECEIVE_ITEMS",
    ["read_inventory_shipments_received_items"],
  ],
  ["inventory_shipments/remove_items", "INVENTORY_SHIPMENTS_REMOVE_ITEMS", ["read_inventory_shipments"]],
  [
    "inventory_shipments/update_item_quantities",
    "INVENTORY_SHIPMENTS_UPDATE_ITEM_QUANTITIES",
    ["read_inventory_shipments"],
  ],
  ["inventory_shipments/update_tracking", "INVENTORY_SHIPMENTS_UPDATE_TRACKING", ["read_inventory_shipments"]],
  ["inventory_transfers/add_items", "INVENTORY_TRANSFERS_ADD_ITEMS", ["read_inventory_transfers"]],
  ["inventory_transfers/cancel", "INVENTORY_TRANSFERS_CANCEL", ["read_inventory_transfers"]],
  ["inventory_transfers/complete", "INVENTORY_TRANSFERS_COMPLETE", ["read_inventory_transfers"]],
  ["inventory_transfers/ready_to_ship", "INVENTORY_TRANSFERS_READY_TO_SHIP", ["read_inventory_transfers"]],
  ["inventory_transfers/remove_items", "INVENTORY_TRANSFERS_REMOVE_ITEMS", ["read_inventory_transfers"]],
  [
    "inventory_transfers/update_item_quantities",
    "INVENTORY_TRANSFERS_UPDATE_ITEM_QUANTITIES",
    ["read_inventory_transfers"],
  ],
  ["locales/create", "LOCALES_CREATE", ["read_locales"]],
  ["locales/destroy", "LOCALES_DESTROY", ["read_locales"]],
  ["locales/update", "LOCALES_UPDATE", ["read_locales"]],
  ["locations/activate", "LOCATIONS_ACTIVATE", ["read_locations"]],
  ["locations/create", "LOCATIONS_CREATE", ["read_locations"]],
  ["locations/deactivate", "LOCATIONS_DEACTIVATE", ["read_locations"]],
  ["locations/delete", "LOCATIONS_DELETE", ["read_locations"]],
  ["locations/update", "LOCATIONS_UPDATE", ["read_locations"]],
  ["markets/create", "MARKETS_CREATE", ["read_markets"]],
  ["markets/delete", "MARKETS_DELETE", ["read_markets"]],
  ["markets/update", "MARKETS_UPDATE", ["read_markets"]],
  ["markets_backup_region/update", "MARKETS_BACKUP_REGION_UPDATE", ["read_markets"]],
  ["metafield_definitions/create", "METAFIELD_DEFINITIONS_CREATE", ["read_content"]],
  ["metafield_definitions/delete", "METAFIELD_DEFINITIONS_DELETE", ["read_content"]],
  ["metafield_definitions/update", "METAFIELD_DEFINITIONS_UPDATE", ["read_content"]],
  [
    "order_transactions/create",
    "ORDER_TRANSACTIONS_CREATE",
    ["read_orders", "read_marketplace_orders", "read_buyer_membership_orders"],
  ],
  ["orders/cancelled", "ORDERS_CANCELLED", ["read_orders", "read_marketplace_orders", "read_buyer_membership_orders"]],
  ["orders/create", "ORDERS_CREATE", ["read_orders", "read_marketplace_orders"]],
  ["orders/delete", "ORDERS_DELETE", ["read_orders"]],
  ["orders/edited", "ORDERS_EDITED", ["read_orders", "read_marketplace_orders", "read_buyer_membership_orders"]],
  ["orders/fulfilled", "ORDERS_FULFILLED", ["read_orders", "read_marketplace_orders"]],
  ["orders/paid", "ORDERS_PAID", ["read_orders", "read_marketplace_orders"]],
  ["orders/partially_fulfilled", "ORDERS_PARTIALLY_FULFILLED", ["read_orders", "read_marketplace_orders"]],
  ["orders/risk_assessment_changed", "ORDERS_RISK_ASSESSMENT_CHANGED", ["read_orders"]],
  ["orders/shopify_protect_eligibility_changed", "ORDERS_SHOPIFY_PROTECT_ELIGIBILITY_CHANGED", ["read_orders"]],
  ["orders/updated", "ORDERS_UPDATED", ["read_orders", "read_marketplace_orders", "read_buyer_membership_orders"]],
  ["payment_schedules/due", "PAYMENT_SCHEDULES_DUE", ["read_payment_terms"]],
  ["payment_terms/create", "PAYMENT_TERMS_CREATE", ["read_payment_terms"]],
  ["payment_terms/delete", "PAYMENT_TERMS_DELETE", ["read_payment_terms"]],
  ["payment_terms/update", "PAYMENT_TERMS_UPDATE", ["read_payment_terms"]],
  ["product_feeds/create", "PRODUCT_FEEDS_CREATE", ["read_product_listings"]],
  ["product_feeds/full_sync", "PRODUCT_FEEDS_FULL_SYNC", ["read_product_listings"]],
  ["product_feeds/full_sync_finish", "PRODUCT_FEEDS_FULL_SYNC_FINISH", ["read_product_listings"]],
  ["product_feeds/incremental_sync", "PRODUCT_FEEDS_INCREMENTAL_SYNC", ["read_product_listings"]],
  ["product_feeds/update", "PRODUCT_FEEDS_UPDATE", ["read_product_listings"]],
  ["products/create", "PRODUCTS_CREATE", ["read_products"]],
  ["products/delete", "PRODUCTS_DELETE", ["read_products"]],
  ["products/update", "PRODUCTS_UPDATE", ["read_products"]],
  ["profiles/create", "PROFILES_CREATE", ["read_shipping", "read_assigned_shipping"]],
  ["profiles/delete", "PROFILES_DELETE", ["read_shipping", "read_assigned_shipping"]],
  ["profiles/update", "PROFILES_UPDATE", ["read_shipping", "read_assigned_shipping"]],
  ["refunds/create", "REFUNDS_CREATE", ["read_orders", "read_marketplace_orders", "read_buyer_membership_orders"]],
  ["returns/approve", "RETURNS_APPROVE", ["read_returns", "read_marketplace_returns", "read_buyer_membership_orders"]],
  [
    "returns/cancel",
    "RETURNS_CANCEL",
    [
      "read_orders",
      "read_marketplace_orders",
      "read_returns",
      "read_marketplace_returns",
      "read_buyer_membership_orders",
    ],
  ],
  [
    "returns/close",
    "RETURNS_CLOSE",
    [
      "read_orders",
      "read_marketplace_orders",
      "read_returns",
      "read_marketplace_returns",
      "read_buyer_membership_orders",
    ],
  ],
  ["returns/decline", "RETURNS_DECLINE", ["read_returns", "read_marketplace_returns", "read_buyer_membership_orders"]],
  ["returns/process", "RETURNS_PROCESS", ["read_returns", "read_marketplace_returns", "read_buyer_membership_orders"]],
  [
    "returns/reopen",
    "RETURNS_REOPEN",
    [
      "read_orders",
      "read_marketplace_orders",
      "read_returns",
      "read_marketplace_returns",
      "read_buyer_membership_orders",
    ],
  ],
  ["returns/request", "RETURNS_REQUEST", ["read_returns", "read_marketplace_returns", "read_buyer_membership_orders"]],
  ["returns/update", "RETURNS_UPDATE", ["read_returns", "read_marketplace_returns", "read_buyer_membership_orders"]],
  [
    "reverse_deliveries/attach_deliverable",
    "REVERSE_DELIVERIES_ATTACH_DELIVERABLE",
    ["read_returns", "read_marketplace_returns"],
  ],
  [
    "reverse_fulfillment_orders/dispose",
    "REVERSE_FULFILLMENT_ORDERS_DISPOSE",
    ["read_returns", "read_marketplace_returns"],
  ],
  ["segments/create", "SEGMENTS_CREATE", ["read_customers"]],
  ["segments/delete", "SEGMENTS_DELETE", ["read_customers"]],
  ["segments/update", "SEGMENTS_UPDATE", ["read_customers"]],
  ["shop/update", "SHOP_UPDATE", []],
  ["tender_transactions/create", "TENDER_TRANSACTIONS_CREATE", ["read_orders"]],
  ["themes/create", "THEMES_CREATE", ["read_themes"]],
  ["themes/delete", "THEMES_DELETE", ["read_themes"]],
  ["themes/publish", "THEMES_PUBLISH", ["read_themes"]],
  ["themes/update", "THEMES_UPDATE", ["read_themes"]],
  ["variants/in_stock", "VARIANTS_IN_STOCK", ["read_products"]],
  ["variants/out_of_stock", "VARIANTS_OUT_OF_STOCK", ["read_products"]],
];

const UNCOUNTABLE = new Set(["information"]);

/** Rails' singularize for the subjects Shopify uses (orders -> order, companies -> company). */
function singular(word: string): string {
  if (UNCOUNTABLE.has(word)) return word;
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ss") || !word.endsWith("s")) return word;
  return word.slice(0, -1);
}

function subjectVariable(subject: string): string {
  const words = subject.split("_");
  words[words.length - 1] = singular(words[words.length - 1]);
  return words.join("_");
}

export const SHOPIFY_TOPICS: readonly ShopifyTopic[] = ROWS.map(([shopify, enumValue, scopes]) => {
  const [subject] = shopify.split(/[/.]/);
  return {
    mechanic: `shopify/${shopify.replace(".", "/")}`,
    shopify,
    enumValue,
    scopes,
    subject: subjectVariable(subject),
  };
});

const BY_MECHANIC = new Map(SHOPIFY_TOPICS.map((topic) => [topic.mechanic, topic]));
const BY_SHOPIFY = new Map(SHOPIFY_TOPICS.map((topic) => [topic.shopify, topic]));
const BY_ENUM = new Map(SHOPIFY_TOPICS.map((topic) => [topic.enumValue, topic]));

/** The topic a task subscribes to ("shopify/orders/create", without an offset), or null. */
export function shopifyTopicByMechanic(topic: string): ShopifyTopic | null {
  return BY_MECHANIC.get(topic) ?? null;
}

/** The topic of a delivery's X-Shopify-Topic header, or null when Hookline does not support it. */
export function shopifyTopicByShopify(topic: string): ShopifyTopic | null {
  return BY_SHOPIFY.get(topic) ?? null;
}

export function shopifyTopicByEnum(enumValue: string): ShopifyTopic | null {
  return BY_ENUM.get(enumValue) ?? null;
}

/** Whether `granted` includes `scope`, counting write_x as granting read_x (Shopify's rule). */
export function scopeGranted(granted: readonly string[], scope: string): boolean {
  if (granted.includes(scope)) return true;
  return scope.startsWith("read_") && granted.includes(`write_${scope.slice("read_".length)}`);
}

/**
 * What the app still needs for a topic: null when `granted` already allows it, else the scope to
 * ask for (the first of Shopify's alternatives: read_orders rather than read_marketplace_orders).
 */
export function missingScopeFor(topic: ShopifyTopic, granted: readonly string[]): string | null {
  if (topic.scopes.length === 0 || topic.scopes.some((scope) => scopeGranted(granted, scope))) return null;
  return topic.scopes[0];
}

/** Words for a scope in a message: "read_orders" -> "orders", "read_draft_orders" -> "draft orders". */
export function scopeResourceName(scope: string): string {
  return scope.replace(/^(read|write)_/, "").replace(/_/g, " ");
}
