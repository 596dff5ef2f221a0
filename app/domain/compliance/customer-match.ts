// Which event data mentions a customer, for customers/redact and customers/data_request. Event data
// is free-form JSON from other services, so the customer can be anywhere in it; but a match must be
// exact, never a substring: customer 12 is not 121, and bob@example.com is not jimbob@example.com.
//
// A value mentions the customer when it is
//   - the id as a number (12) or as text ("12", "gid://shopify/Customer/12"), or
//   - text containing the email as a whole address, in any letter case
//     ("Bob <BOB@example.com>" yes; "jimbob@example.com" and "bob@example.com.au" no).
// Object keys are not values and are not matched.

export interface CustomerIdentity {
  /** Decimal id, e.g. "12" (no leading zeros). */
  id: string | null;
  /** Lower-case email. */
  email: string | null;
}

const GID_PREFIX = "gid://shopify/customer/";

/** The identity from a compliance payload's `customer` object, or null when it names nobody. */
export function customerIdentity(
  customer: { id?: unknown; email?: unknown } | null | undefined,
): CustomerIdentity | null {
  let id: string | null = null;
  const rawId = customer?.id;
  if (typeof rawId === "number" && Number.isSafeInteger(rawId) && rawId > 0) id = String(rawId);
  else if (typeof rawId === "bigint" && rawId > 0n) id = rawId.toString();
  else if (typeof rawId === "string") {
    const text = rawId.trim().toLowerCase();
    const digits = text.startsWith(GID_PREFIX) ? text.slice(GID_PREFIX.length) : text;
    if (/^[1-9]\d{0,30}$/.test(digits)) id = digits;
  }
  const rawEmail = customer?.email;
  const email = typeof rawEmail === "string" && rawEmail.includes("@") ? rawEmail.trim().toLowerCase() : null;
  if (id === null && email === null) return null;
  return { id, email: email === "" ? null : email };
}

/** Substrings any mentioning JSON text must contain (lower case): a cheap filter before parsing. */
export function searchTerms(who: CustomerIdentity): string[] {
  return [who.id, who.email].filter((term): term is string => term !== null);
}

// Characters that may sit inside an address next to where the email starts or ends.
const LOCAL_PART_CHAR = /[a-z0-9!#$%&'*+/=?^_`{|}~.-]/;
const DOMAIN_CHAR = /[a-z0-9_-]/;

/** True when `text` contains `email` (lower case) as a whole address. */
export function containsWholeEmail(text: string, email: string): boolean {
  const lower = text.toLowerCase();
  for (let at = lower.indexOf(email); at !== -1; at = lower.indexOf(email, at + 1)) {
    const before = at > 0 ? lower[at - 1]! : "";
    const end = at + email.length;
    const after = lower[end] ?? "";
    if (before && LOCAL_PART_CHAR.test(before)) continue;
    if (after && DOMAIN_CHAR.test(after)) continue;
    // "bob@example.com.au" is another address; "bob@example.com." ends a sentence.
    if (after === "." && DOMAIN_CHAR.test(lower[end + 1] ?? "")) continue;
    return true;
  }
  return false;
}

function valueMentions(value: unknown, who: CustomerIdentity): boolean {
  if (typeof value === "number") return who.id !== null && Number.isInteger(value) && String(value) === who.id;
  if (typeof value === "bigint") return who.id !== null && value.toString() === who.id;
  if (typeof value === "string") {
    if (who.id !== null) {
      const text = value.trim().toLowerCase();
      if (text === who.id || text === GID_PREFIX + who.id) return true;
    }
    return who.email !== null && containsWholeEmail(value, who.email);
  }
  return false;
}

/** True when any value in `data` (parsed JSON, any depth) mentions the customer. */
export function mentionsCustomer(data: unknown, who: CustomerIdentity): boolean {
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "object" && value !== null) {
      for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push(child);
    } else if (valueMentions(value, who)) return true;
  }
  return false;
}
