// Relay-style cursor pagination as Shopify's connections do it (first/after, last/before, reverse),
// and the small subset of Shopify's search syntax the store understands for `customers(query:)`.
import { GraphQLError } from "graphql";
import type { LocalCustomer } from "./state";

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Shopify caps every connection page at 250 items. */
export const MAX_PAGE_SIZE = 250;

export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: String(id) })).toString("base64");
}

function decodeCursor(cursor: string, argumentName: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    if (typeof parsed.last_id === "number" && Number.isSafeInteger(parsed.last_id)) return parsed.last_id;
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, {
    extensions: { code: "BAD_REQUEST", argumentName },
  });
}

function checkPageSize(name: "first" | "last", value: number | null | undefined): void {
  if (value == null) return;
  if (value < 0) {
    throw new GraphQLError(`Argument '${name}' must be zero or more.`, { extensions: { code: "BAD_REQUEST" } });
  }
  if (value > MAX_PAGE_SIZE) {
    throw new GraphQLError(`Argument '${name}' must be ${MAX_PAGE_SIZE} or less.`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

/** Pages through items already sorted by ascending numeric id. */
export function paginate<T>(sortedItems: T[], args: ConnectionArgs, idOf: (item: T) => number): Connection<T> {
  if (args.first == null && args.last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  checkPageSize("first", args.first);
  checkPageSize("last", args.last);

  let items = args.reverse ? [...sortedItems].reverse() : [...sortedItems];
  const before = (a: number, b: number) => (args.reverse ? a > b : a < b);
  if (args.after != null) {
    const afterId = decodeCursor(args.after, "after");
    items = items.filter((item) => before(afterId, idOf(item)));
  }
  if (args.before != null) {
    const beforeId = decodeCursor(args.before, "before");
    items = items.filter((item) => before(idOf(item), beforeId));
  }
  const window = items;
  let page = window;
  if (args.first != null) page = page.slice(0, args.first);
  if (args.last != null) page = page.slice(Math.max(0, page.length - args.last));

  const firstIndex = page.length > 0 ? window.indexOf(page[0]) : 0;
  const lastIndex = page.length > 0 ? window.indexOf(page[page.length - 1]) : -1;
  const edges = page.map((node) => ({ cursor: encodeCursor(idOf(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: args.first != null ? lastIndex < window.length - 1 : args.before != null,
      hasPreviousPage: args.last != null ? firstIndex > 0 : args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Splits a search query into terms, keeping "quoted values" together. */
function searchTerms(query: string): string[] {
  const terms: string[] = [];
  const pattern = /(\S+?:"[^"]*"|"[^"]*"|\S+)/g;
  for (const match of query.matchAll(pattern)) terms.push(match[1]);
  return terms.filter((term) => term !== "AND");
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
}

function matchesValue(candidate: string | null, wanted: string): boolean {
  if (candidate === null) return false;
  const value = candidate.toLowerCase();
  const pattern = wanted.toLowerCase();
  return pattern.endsWith("*") ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

/**
 * Filters customers with Shopify's search syntax, simplified: terms are ANDed; `field:value`
 * for email, first_name, last_name, tag, id, with a trailing `*` for prefix matches and a leading
 * `-` to negate; bare words match a name or email containing them. Unknown fields are ignored,
 * as Shopify ignores filters it does not know.
 */
export function filterCustomers(customers: LocalCustomer[], query: string | null | undefined): LocalCustomer[] {
  if (query == null || query.trim() === "") return customers;
  const predicates: ((customer: LocalCustomer) => boolean)[] = [];
  for (const rawTerm of searchTerms(query)) {
    const negate = rawTerm.startsWith("-");
    const term = negate ? rawTerm.slice(1) : rawTerm;
    const separator = term.indexOf(":");
    let predicate: ((customer: LocalCustomer) => boolean) | null;
    if (separator > 0) {
      const field = term.slice(0, separator).toLowerCase();
      const value = unquote(term.slice(separator + 1));
      switch (field) {
        case "email":
          predicate = (customer) => matchesValue(customer.email, value);
          break;
        case "first_name":
          predicate = (customer) => matchesValue(customer.firstName, value);
          break;
        case "last_name":
          predicate = (customer) => matchesValue(customer.lastName, value);
          break;
        case "tag":
          predicate = (customer) => customer.tags.some((tag) => matchesValue(tag, value));
          break;
        case "id":
          predicate = (customer) => String(customer.id) === value.replace(/^gid:\/\/shopify\/Customer\//, "");
          break;
        default:
          predicate = null;
      }
    } else {
      const word = unquote(term).toLowerCase();
      predicate = (customer) =>
        [customer.firstName, customer.lastName, customer.email].some(
          (text) => text !== null && text.toLowerCase().includes(word),
        );
    }
    if (predicate) {
      const base = predicate;
      predicates.push(negate ? (customer) => !base(customer) : base);
    }
  }
  return customers.filter((customer) => predicates.every((predicate) => predicate(customer)));
}
