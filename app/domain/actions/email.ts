// The "email" action, with Mechanic's options: to, cc, bcc (arrays or comma-separated strings),
// reply_to, subject, body (HTML), from_display_name and headers; any other option is kept in the
// result (Mechanic hands extra options to email templates). Email templates and file-generator
// attachments are refused with a clear message. Sending goes through an injected transport (SMTP
// in the service layer): a transient refusal (4xx, connection trouble) is retried like any action,
// a permanent one (5xx) fails with the server's own words.
import { isPlainObject, permanentFailure, succeeded, transientFailure, type ActionOutcome } from "./types";

/** Postmark's limit, which Mechanic's email action inherits: 50 recipients per message. */
export const MAX_EMAIL_RECIPIENTS = 50;
/** Largest HTML body accepted, in bytes (Postmark's message limit is 10 MB). */
export const MAX_EMAIL_BODY_BYTES = 5 * 1024 * 1024;
const MAX_SUBJECT_LENGTH = 998;

export interface EmailAddress {
  name: string | null;
  address: string;
}

/** What the transport sends: addresses already validated. */
export interface EmailMessage {
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress | null;
  subject: string;
  html: string;
  headers: Record<string, string>;
}

export interface EmailSent {
  messageId: string | null;
  accepted: string[];
  rejected: string[];
  /** The server's final answer, e.g. "250 Accepted". */
  response: string;
}

/**
 * Sends one message. Failures are thrown as errors carrying SMTP's `responseCode` (a number,
 * e.g. 451 or 550) when the server refused, or a `code` such as ECONNECTION or ETIMEDOUT when it
 * could not be reached (nodemailer's error shape).
 */
export type EmailTransport = (message: EmailMessage) => Promise<EmailSent>;

export interface EmailDeps {
  /** null when no SMTP server is configured: every email action then fails with a clear message. */
  transport: EmailTransport | null;
  /** The sender address (the options only choose the display name, as in Mechanic). */
  fromAddress: string;
  /** Display name when the action gives none (e.g. the shop's name). */
  defaultFromName?: string | null;
}

export const EMAIL_NOT_CONFIGURED = "email is not configured (SMTP_URL): set SMTP_URL to an SMTP server to send email";

// `{% action "email" %}`, `{%- action 'email', ... %}` or `action "email"` on a line of `{% liquid %}`.
const EMAIL_ACTION_TAG = /(?:\{%-?|^)\s*action\s+(["'])email\1/m;

/** Whether a task script renders the email action (checked at save: refused while email is not configured). */
export function usesEmailAction(script: string): boolean {
  return EMAIL_ACTION_TAG.test(script);
}

export const EMAIL_NOT_CONFIGURED_AT_SAVE =
  'This task sends email ({% action "email" %}), but this Hookline has no mail server: set SMTP_URL (e.g. smtp://user:password@smtp.example.com:587) and restart, or remove the email action';

const KNOWN_OPTIONS = new Set([
  "to",
  "cc",
  "bcc",
  "reply_to",
  "subject",
  "body",
  "from_display_name",
  "headers",
  "template",
  "attachments",
]);

// Headers the action sets from its own options or that the transport must own.
const RESERVED_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "sender",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "return-path",
]);

const ADDRESS =
  /^[^\s@<>(),;:"\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** "a@b.co" or "Name <a@b.co>" -> the address, or a message saying what is wrong. */
export function parseEmailAddress(raw: string): EmailAddress | { error: string } {
  const text = raw.trim();
  if (CONTROL.test(text))
    return { error: `email address ${JSON.stringify(raw)} contains a line break or control character` };
  const named = /^(?:"?([^"<>]*?)"?\s*)<([^<>]+)>$/.exec(text);
  const address = (named ? named[2] : text).trim();
  if (!ADDRESS.test(address)) return { error: `${JSON.stringify(text)} is not a valid email address` };
  const name = named?.[1]?.trim() || null;
  return { name, address };
}

function addressList(value: unknown, option: string, required: boolean): EmailAddress[] | { error: string } {
  if (value === undefined || value === null || value === "") {
    return required
      ? { error: `the email action needs "${option}" (an address, a comma-separated list or an array)` }
      : [];
  }
  let items: unknown[];
  if (typeof value === "string") items = value.split(",");
  else if (Array.isArray(value)) items = value;
  else return { error: `email "${option}" must be an address, a comma-separated list or an array of addresses` };
  const addresses: EmailAddress[] = [];
  for (const item of items) {
    if (typeof item !== "string") return { error: `email "${option}" must contain only address strings` };
    if (item.trim() === "" && typeof value === "string") continue;
    const parsed = parseEmailAddress(item);
    if ("error" in parsed) return { error: `email "${option}": ${parsed.error}` };
    addresses.push(parsed);
  }
  if (required && addresses.length === 0) return { error: `the email action needs at least one "${option}" address` };
  return addresses;
}

function singleLine(value: string): string {
  return value.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

export interface ParsedEmail {
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress | null;
  subject: string;
  html: string;
  fromName: string | null;
  headers: Record<string, string>;
  /** Options beyond Mechanic's own, kept with the result. */
  extra: Record<string, unknown>;
}

/** Validates the action's options, or says what is wrong (also usable when a task is saved). */
export function parseEmailOptions(options: unknown): ParsedEmail | { error: string } {
  if (!isPlainObject(options)) return { error: "the email action needs an object with to, subject and body" };
  if (options.template !== undefined && options.template !== null) {
    return {
      error: `email templates are not supported by Hookline (template ${JSON.stringify(options.template)}): put the whole HTML in "body"`,
    };
  }
  if (options.attachments !== undefined && options.attachments !== null) {
    return {
      error:
        "email attachments (file generators) are not supported by Hookline yet: link to the file in the body instead",
    };
  }
  const to = addressList(options.to, "to", true);
  if ("error" in to) return to;
  const cc = addressList(options.cc, "cc", false);
  if ("error" in cc) return cc;
  const bcc = addressList(options.bcc, "bcc", false);
  if ("error" in bcc) return bcc;
  const recipients = to.length + cc.length + bcc.length;
  if (recipients > MAX_EMAIL_RECIPIENTS) {
    return {
      error: `an email can have at most ${MAX_EMAIL_RECIPIENTS} recipients (to, cc and bcc together); this one has ${recipients}`,
    };
  }

  let replyTo: EmailAddress | null = null;
  if (options.reply_to !== undefined && options.reply_to !== null && options.reply_to !== "") {
    if (typeof options.reply_to !== "string") return { error: 'email "reply_to" must be a single address' };
    const parsed = parseEmailAddress(options.reply_to);
    if ("error" in parsed) return { error: `email "reply_to": ${parsed.error}` };
    replyTo = parsed;
  }

  if (typeof options.subject !== "string" || options.subject.trim() === "") {
    return { error: 'the email action needs a "subject" (a non-empty string)' };
  }
  const subject = singleLine(options.subject);
  if (subject.length > MAX_SUBJECT_LENGTH)
    return { error: `email subject is longer than ${MAX_SUBJECT_LENGTH} characters` };

  if (typeof options.body !== "string" || options.body.trim() === "") {
    return { error: 'the email action needs a "body" (HTML, a non-empty string)' };
  }
  if (Buffer.byteLength(options.body, "utf8") > MAX_EMAIL_BODY_BYTES) {
    return { error: `email body is larger than ${MAX_EMAIL_BODY_BYTES} bytes` };
  }

  let fromName: string | null = null;
  if (options.from_display_name !== undefined && options.from_display_name !== null) {
    if (typeof options.from_display_name !== "string") return { error: 'email "from_display_name" must be a string' };
    fromName = singleLine(options.from_display_name) || null;
  }

  const headers: Record<string, string> = {};
  if (options.headers !== undefined && options.headers !== null) {
    if (!isPlainObject(options.headers))
      return { error: 'email "headers" must be an object of header names and string values' };
    for (const [name, value] of Object.entries(options.headers)) {
      if (!HEADER_NAME.test(name)) return { error: `email header name ${JSON.stringify(name)} is not valid` };
      if (RESERVED_HEADERS.has(name.toLowerCase())) {
        return {
          error: `email header ${name} cannot be set in "headers"; it comes from the action's own options or the mail server`,
        };
      }
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        return { error: `email header ${name} must be a string` };
      }
      const text = String(value);
      if (CONTROL.test(text)) return { error: `email header ${name} must be one line of text` };
      headers[name] = text;
    }
  }

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!KNOWN_OPTIONS.has(key)) extra[key] = value;

  return { to, cc, bcc, replyTo, subject, html: options.body, fromName, headers, extra };
}

const TRANSIENT_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ETLS",
]);

function describeTransportError(error: unknown): { message: string; responseCode: number | null; code: string | null } {
  const shaped = (error ?? {}) as { message?: unknown; response?: unknown; responseCode?: unknown; code?: unknown };
  const responseCode = typeof shaped.responseCode === "number" ? shaped.responseCode : null;
  const code = typeof shaped.code === "string" ? shaped.code : null;
  const response = typeof shaped.response === "string" ? shaped.response : null;
  const message = response ?? (typeof shaped.message === "string" ? shaped.message : String(error));
  return { message, responseCode, code };
}

export async function performEmail(options: unknown, deps: EmailDeps): Promise<ActionOutcome> {
  const parsed = parseEmailOptions(options);
  if ("error" in parsed) return permanentFailure(parsed.error);
  if (!deps.transport) return permanentFailure(EMAIL_NOT_CONFIGURED);
  const fromAddress = parseEmailAddress(deps.fromAddress);
  if ("error" in fromAddress)
    return permanentFailure(`the configured sender address is not valid: ${fromAddress.error}`);

  const message: EmailMessage = {
    from: { name: parsed.fromName ?? deps.defaultFromName ?? null, address: fromAddress.address },
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    subject: parsed.subject,
    html: parsed.html,
    headers: parsed.headers,
  };
  const summary = {
    to: parsed.to.map((address) => address.address),
    cc: parsed.cc.map((address) => address.address),
    bcc: parsed.bcc.map((address) => address.address),
    subject: parsed.subject,
    ...(Object.keys(parsed.extra).length > 0 ? { extra: parsed.extra } : {}),
  };
  try {
    const sent = await deps.transport(message);
    return succeeded({
      ...summary,
      message_id: sent.messageId,
      accepted: sent.accepted,
      rejected: sent.rejected,
      response: sent.response,
    });
  } catch (error) {
    const { message: reason, responseCode, code } = describeTransportError(error);
    if (responseCode !== null && responseCode >= 500) {
      return permanentFailure(`the mail server refused the message: ${reason}`, summary);
    }
    if (responseCode !== null && responseCode >= 400) {
      return transientFailure(`the mail server deferred the message: ${reason}`, { result: summary });
    }
    if (code !== null && !TRANSIENT_CODES.has(code)) {
      // EAUTH, EENVELOPE, EMESSAGE without a server answer: nothing a retry would change.
      return permanentFailure(`could not send the email: ${reason}`, summary);
    }
    return transientFailure(`could not reach the mail server: ${reason}`, { result: summary });
  }
}
