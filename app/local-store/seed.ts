// Seed data for the local development store. Ids are stable so tests and docs can name them.

export interface SeedShop {
  domain: string;
  id: number;
  name: string;
  email: string;
  shopOwnerName: string;
  currencyCode: string;
  ianaTimezone: string;
  timezoneAbbreviation: string;
  timezoneOffset: string;
  timezoneOffsetMinutes: number;
  planName: string;
  createdAt: string;
  customers: SeedCustomer[];
  /** The shop's one location (inventory levels live there). */
  location: SeedLocation;
  products: SeedProduct[];
  orders: SeedOrder[];
}

export interface SeedLocation {
  id: number;
  name: string;
  createdAt: string;
}

export interface SeedProduct {
  id: number;
  title: string;
  handle: string;
  descriptionHtml: string;
  vendor: string;
  productType: string;
  status: "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";
  tags: string[];
  createdAt: string;
  options: { id: number; name: string; values: string[] }[];
  variants: { id: number; inventoryItemId: number; options: string[]; price: string; sku: string; available: number }[];
}

export interface SeedOrder {
  id: number;
  customerId: number;
  lineItems: { variantId: number; quantity: number }[];
  financialStatus: "paid" | "pending";
  tags: string[];
  createdAt: string;
}

export interface SeedCustomer {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  tags: string[];
  note: string | null;
  createdAt: string;
}

export const SEED_SHOPS: readonly SeedShop[] = [
  {
    domain: "demo-store.myshopify.com",
    id: 60000000001,
    name: "Demo Store",
    email: "owner@demo-store.example",
    shopOwnerName: "Dana Demo",
    currencyCode: "USD",
    ianaTimezone: "America/New_York",
    timezoneAbbreviation: "EST",
    timezoneOffset: "-0500",
    timezoneOffsetMinutes: -300,
    planName: "Development",
    createdAt: "2025-01-02T09:00:00Z",
    location: { id: 6001, name: "Demo Warehouse", createdAt: "2025-01-02T09:00:00Z" },
    products: [
      {
        id: 7001,
        title: "Hookline T-Shirt",
        handle: "hookline-t-shirt",
        descriptionHtml: "<p>Soft cotton tee.</p>",
        vendor: "Demo Store",
        productType: "Apparel",
        status: "ACTIVE",
        tags: ["apparel"],
        createdAt: "2025-01-05T10:00:00Z",
        options: [{ id: 7101, name: "Size", values: ["Small", "Large"] }],
        variants: [
          { id: 8001, inventoryItemId: 9001, options: ["Small"], price: "19.00", sku: "TEE-S", available: 10 },
          { id: 8002, inventoryItemId: 9002, options: ["Large"], price: "21.00", sku: "TEE-L", available: 4 },
        ],
      },
      {
        id: 7002,
        title: "Gift Card Sleeve",
        handle: "gift-card-sleeve",
        descriptionHtml: "",
        vendor: "Demo Store",
        productType: "Accessories",
        status: "ACTIVE",
        tags: [],
        createdAt: "2025-01-06T10:00:00Z",
        options: [{ id: 7102, name: "Title", values: ["Default Title"] }],
        variants: [
          { id: 8003, inventoryItemId: 9003, options: ["Default Title"], price: "5.00", sku: "SLEEVE", available: 100 },
        ],
      },
    ],
    orders: [
      {
        id: 5001,
        customerId: 1001,
        lineItems: [{ variantId: 8001, quantity: 2 }],
        financialStatus: "paid",
        tags: [],
        createdAt: "2025-02-01T12:00:00Z",
      },
      {
        id: 5002,
        customerId: 1002,
        lineItems: [
          { variantId: 8002, quantity: 1 },
          { variantId: 8003, quantity: 1 },
        ],
        financialStatus: "pending",
        tags: ["wholesale"],
        createdAt: "2025-02-02T12:00:00Z",
      },
    ],
    customers: [
      {
        id: 1001,
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.com",
        tags: ["vip"],
        note: null,
        createdAt: "2025-01-10T10:00:00Z",
      },
      {
        id: 1002,
        firstName: "Grace",
        lastName: "Hopper",
        email: "grace@example.com",
        tags: ["newsletter"],
        note: null,
        createdAt: "2025-01-11T10:00:00Z",
      },
      {
        id: 1003,
        firstName: "Alan",
        lastName: "Turing",
        email: "alan@example.com",
        tags: [],
        note: "Prefers email.",
        createdAt: "2025-01-12T10:00:00Z",
      },
      {
        id: 1004,
        firstName: "Katherine",
        lastName: "Johnson",
        email: "katherine@example.com",
        tags: ["vip", "wholesale"],
        note: null,
        createdAt: "2025-01-13T10:00:00Z",
      },
      {
        id: 1005,
        firstName: "Linus",
        lastName: "Torvalds",
        email: "linus@example.com",
        tags: [],
        note: null,
        createdAt: "2025-01-14T10:00:00Z",
      },
    ],
  },
  {
    domain: "other-store.myshopify.com",
    id: 60000000002,
    name: "Other Store",
    email: "owner@other-store.example",
    shopOwnerName: "Olive Other",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Berlin",
    timezoneAbbreviation: "CET",
    timezoneOffset: "+0100",
    timezoneOffsetMinutes: 60,
    planName: "Development",
    createdAt: "2025-02-01T09:00:00Z",
    location: { id: 6002, name: "Berlin Warehouse", createdAt: "2025-02-01T09:00:00Z" },
    products: [
      {
        id: 7201,
        title: "Other Mug",
        handle: "other-mug",
        descriptionHtml: "",
        vendor: "Other Store",
        productType: "Kitchen",
        status: "ACTIVE",
        tags: [],
        createdAt: "2025-02-03T10:00:00Z",
        options: [{ id: 7202, name: "Title", values: ["Default Title"] }],
        variants: [
          { id: 8201, inventoryItemId: 9201, options: ["Default Title"], price: "12.00", sku: "MUG", available: 3 },
        ],
      },
    ],
    orders: [],
    customers: [
      {
        id: 2001,
        firstName: "Otto",
        lastName: "Other",
        email: "otto@example.org",
        tags: [],
        note: null,
        createdAt: "2025-02-05T10:00:00Z",
      },
      {
        id: 2002,
        firstName: "Olga",
        lastName: "Other",
        email: "olga@example.org",
        tags: ["vip"],
        note: null,
        createdAt: "2025-02-06T10:00:00Z",
      },
    ],
  },
];
