// The webhook create/edit form: parsing and validation with messages for each field.
// Topic rules come from app/domain/topics.ts, the same validator the ingress server and CLI use.
import { validateUserTopic } from "~/domain/topics";

export const DATA_MODES = ["auto", "full"] as const;
export const CORS_MODES = ["any", "restricted"] as const;
export const SIGNATURE_MODES = ["none", "standard", "hmac"] as const;
export const SIGNATURE_ENCODINGS = ["hex", "base64"] as const;
/** What ingress reads when no dedupe header is named (app/data/webhooks.server.ts). */
export const DEFAULT_DEDUPE_HEADERS_TEXT = "Idempotency-Key, webhook-id or X-Shopify-Webhook-Id";
export const DEFAULT_SIGNATURE_HEADER = "X-Signature";
export const MAX_RATE_LIMIT = 1_000_000;
export const MAX_NAME_LENGTH = 255;

export type DataModeValue = (typeof DATA_MODES)[number];
export type CorsModeValue = (typeof CORS_MODES)[number];
export type SignatureModeValue = (typeof SIGNATURE_MODES)[number];
export type SignatureEncodingValue = (typeof SIGNATURE_ENCODINGS)[number];

export interface WebhookFormValues {
  name: string;
  topic: string;
  dataMode: DataModeValue;
  corsMode: CorsModeValue;
  signatureMode: SignatureModeValue;
  signatureHeader: string | null;
  /** "hmac" mode only: the sender's shared secret; undefined keeps the current one (or generates one). */
  signatureSecret?: string;
  signatureEncoding: SignatureEncodingValue;
  dedupeEnabled: boolean;
  dedupeHeader: string | null;
  /** null: the shop's default from Settings. */
  rateLimitPerMinute: number | null;
}

export type WebhookFormField = keyof WebhookFormValues;

/** Only name, topic and data mode: the short create form. */
export const CREATE_FIELDS: readonly WebhookFormField[] = ["name", "topic", "dataMode"];
export type WebhookFormErrors = Partial<Record<WebhookFormField, string>>;
export type WebhookFormResult = { ok: true; values: WebhookFormValues } | { ok: false; errors: WebhookFormErrors };

// RFC 9110 token characters: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function field(form: FormData | URLSearchParams, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T | null {
  if (value === "") return fallback;
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** Inline topic check for the form: null when valid, else the validator's message. */
export function topicError(topic: string): string | null {
  const result = validateUserTopic(topic.trim());
  return result.ok ? null : result.message;
}

export function nameError(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "Name is required";
  if (trimmed.length > MAX_NAME_LENGTH) return `Name is longer than ${MAX_NAME_LENGTH} characters`;
  return null;
}

export function parseWebhookForm(form: FormData | URLSearchParams): WebhookFormResult {
  const errors: WebhookFormErrors = {};
  const name = field(form, "name").trim();
  const topic = field(form, "topic").trim();
  const nameProblem = nameError(name);
  if (nameProblem) errors.name = nameProblem;
  const topicProblem = topicError(topic);
  if (topicProblem) errors.topic = topicProblem;

  const dataMode = oneOf(field(form, "dataMode"), DATA_MODES, "auto");
  if (!dataMode) errors.dataMode = 'Data mode must be "auto" or "full"';
  const corsMode = oneOf(field(form, "corsMode"), CORS_MODES, "any");
  if (!corsMode) errors.corsMode = 'CORS must be "any" or "restricted"';
  const signatureMode = oneOf(field(form, "signatureMode"), SIGNATURE_MODES, "none");
  if (!signatureMode) errors.signatureMode = 'Signature must be "none", "standard" or "hmac"';
  const signatureEncoding = oneOf(field(form, "signatureEncoding"), SIGNATURE_ENCODINGS, "hex");
  if (!signatureEncoding) errors.signatureEncoding = 'Encoding must be "hex" or "base64"';

  let signatureHeader: string | null = null;
  let signatureSecret: string | undefined;
  if (signatureMode === "hmac") {
    signatureHeader = field(form, "signatureHeader").trim() || DEFAULT_SIGNATURE_HEADER;
    if (!HEADER_NAME.test(signatureHeader) || signatureHeader.length > 100) {
      errors.signatureHeader = "Header name may contain only letters, digits and - _ . (no spaces or colons)";
    }
    const secret = field(form, "signatureSecret").trim();
    if (secret !== "") {
      if (secret.length < 8 || secret.length > 500) errors.signatureSecret = "Secret must be 8 to 500 characters";
      else signatureSecret = secret;
    }
  }

  const dedupeEnabled = ["on", "true", "1"].includes(field(form, "dedupeEnabled"));
  let dedupeHeader: string | null = null;
  if (dedupeEnabled) {
    dedupeHeader = field(form, "dedupeHeader").trim() || null;
    if (dedupeHeader !== null && (!HEADER_NAME.test(dedupeHeader) || dedupeHeader.length > 100)) {
      errors.dedupeHeader = "Header name may contain only letters, digits and - _ . (no spaces or colons)";
    }
  }

  let rateLimitPerMinute: number | null = null;
  const rateText = field(form, "rateLimitPerMinute").trim();
  if (rateText !== "") {
    if (!/^\d+$/.test(rateText) || Number(rateText) < 1 || Number(rateText) > MAX_RATE_LIMIT) {
      errors.rateLimitPerMinute =
        "Rate limit must be a whole number from 1 to 1,000,000, or empty for the shop default";
    } else {
      rateLimitPerMinute = Number(rateText);
    }
  }

  if (Object.keys(errors).length > 0 || !dataMode || !corsMode || !signatureMode || !signatureEncoding) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    values: {
      name,
      topic,
      dataMode,
      corsMode,
      signatureMode,
      signatureHeader,
      ...(signatureSecret !== undefined ? { signatureSecret } : {}),
      signatureEncoding,
      dedupeEnabled,
      dedupeHeader,
      rateLimitPerMinute,
    },
  };
}
