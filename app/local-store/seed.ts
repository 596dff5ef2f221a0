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
