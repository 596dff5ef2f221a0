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

/** How one resource answers a search: `field:value` lookups, and the texts bare words search. */
export interface SearchFields<T> {
  fields: Record<string, (item: T) => string | number | boolean | null | readonly string[]>;
  words: (item: T) => (string | null)[];
}

/**
 * Filters with Shopify's search syntax, simplified: terms are ANDed; `field:value` for the fields
 * the resource names, with a trailing `*` for prefix matches and a leading `-` to negate; bare
 * words match any of the resource's texts containing them. Unknown fields are ignored, as Shopify
 * ignores filters it does not know.
 */
export function filterBySearch<T>(items: T[], query: string | null | undefined, search: SearchFields<T>): T[] {
  if (query == null || query.trim() === "") return items;
  const predicates: ((item: T) => boolean)[] = [];
  for (const rawTerm of searchTerms(query)) {
    const negate = rawTerm.startsWith("-");
    const term = negate ? rawTerm.slice(1) : rawTerm;
    const separator = term.indexOf(":");
    let predicate: ((item: T) => boolean) | null = null;
    if (separator > 0) {
      const read = search.fields[term.slice(0, separator).toLowerCase()];
      const value = unquote(term.slice(separator + 1));
      if (read) {
        predicate = (item) => {
          const found = read(item);
          if (Array.isArray(found)) return found.some((candidate) => matchesValue(candidate, value));
          return matchesValue(
            found === null ? null : String(found),
            value.replace(/^gid:\/\/shopify\/[A-Za-z]+\//, ""),
          );
        };
      }
    } else {
      const word = unquote(term).toLowerCase();
      predicate = (item) => search.words(item).some((text) => text !== null && text.toLowerCase().includes(word));
    }
    if (predicate) {
      const base = predicate;
      predicates.push(negate ? (item) => !base(item) : base);
    }
  }
  return items.filter((item) => predicates.every((predicate) => predicate(item)));
}

export const CUSTOMER_SEARCH: SearchFields<LocalCustomer> = {
  fields: {
    email: (customer) => customer.email,
    first_name: (customer) => customer.firstName,
    last_name: (customer) => customer.lastName,
    phone: (customer) => customer.phone,
    tag: (customer) => customer.tags,
    id: (customer) => customer.id,
  },
  words: (customer) => [customer.firstName, customer.lastName, customer.email],
};

export function filterCustomers(customers: LocalCustomer[], query: string | null | undefined): LocalCustomer[] {
  return filterBySearch(customers, query, CUSTOMER_SEARCH);
}
