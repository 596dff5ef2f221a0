// The webhook create/edit form: parsing and validation with messages for each field. The rules are
// app/domain/webhooks/rules.ts, the same the model, the CLI and ingress use.
import { validateUserTopic } from "../topics";
import {
  CORS_MODES,
  DATA_MODES,
  DEFAULT_SIGNATURE_HEADER,
  headerNameProblem,
  nameProblem,
  rateLimitProblem,
  RESPONSE_MODES,
  RESPONSE_TIMEOUT_SECONDS,
  responseTimeoutProblem,
  SIGNATURE_ENCODINGS,
  SIGNATURE_MODES,
  signingSecretProblem,
} from "./rules";

export {
  CORS_MODES,
  DATA_MODES,
  DEFAULT_DEDUPE_HEADERS_TEXT,
  DEFAULT_SIGNATURE_HEADER,
  MAX_NAME_LENGTH,
  RESPONSE_MODES,
  RESPONSE_TIMEOUT_SECONDS,
  SIGNATURE_ENCODINGS,
  SIGNATURE_MODES,
} from "./rules";

export type DataModeValue = (typeof DATA_MODES)[number];
export type CorsModeValue = (typeof CORS_MODES)[number];
export type SignatureModeValue = (typeof SIGNATURE_MODES)[number];
export type SignatureEncodingValue = (typeof SIGNATURE_ENCODINGS)[number];
export type ResponseModeValue = (typeof RESPONSE_MODES)[number];

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
  responseMode: ResponseModeValue;
  responseTimeoutSeconds: number;
}

export type WebhookFormField = keyof WebhookFormValues;

/** Only name, topic and data mode: the short create form. */
export const CREATE_FIELDS: readonly WebhookFormField[] = ["name", "topic", "dataMode"];
export type WebhookFormErrors = Partial<Record<WebhookFormField, string>>;
export type WebhookFormResult = { ok: true; values: WebhookFormValues } | { ok: false; errors: WebhookFormErrors };

function field(form: FormData | URLSearchParams, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function choice<T extends string>(value: string, allowed: readonly T[], fallback: T): T | null {
  if (value === "") return fallback;
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** Inline topic check for the form: null when valid, else the validator's message. */
export function topicError(topic: string): string | null {
  const result = validateUserTopic(topic.trim());
  return result.ok ? null : result.message;
}

export function nameError(name: string): string | null {
  return nameProblem(name);
}

export function parseWebhookForm(form: FormData | URLSearchParams): WebhookFormResult {
  const errors: WebhookFormErrors = {};
  const name = field(form, "name").trim();
  const topic = field(form, "topic").trim();
  const nameProblem = nameError(name);
  if (nameProblem) errors.name = nameProblem;
  const topicProblem = topicError(topic);
  if (topicProblem) errors.topic = topicProblem;

  const dataMode = choice(field(form, "dataMode"), DATA_MODES, "auto");
  if (!dataMode) errors.dataMode = 'Data mode must be "auto" or "full"';
  const corsMode = choice(field(form, "corsMode"), CORS_MODES, "any");
  if (!corsMode) errors.corsMode = 'CORS must be "any" or "restricted"';
  const signatureMode = choice(field(form, "signatureMode"), SIGNATURE_MODES, "none");
  if (!signatureMode) errors.signatureMode = 'Signature must be "none", "standard" or "hmac"';
  const signatureEncoding = choice(field(form, "signatureEncoding"), SIGNATURE_ENCODINGS, "hex");
  if (!signatureEncoding) errors.signatureEncoding = 'Encoding must be "hex" or "base64"';

  let signatureHeader: string | null = null;
  let signatureSecret: string | undefined;
  if (signatureMode === "hmac") {
    signatureHeader = field(form, "signatureHeader").trim() || DEFAULT_SIGNATURE_HEADER;
    const headerProblem = headerNameProblem(signatureHeader);
    if (headerProblem) errors.signatureHeader = headerProblem;
    const secret = field(form, "signatureSecret").trim();
    if (secret !== "") {
      const secretProblem = signingSecretProblem(secret);
      if (secretProblem) errors.signatureSecret = secretProblem;
      else signatureSecret = secret;
    }
  }

  const dedupeEnabled = ["on", "true", "1"].includes(field(form, "dedupeEnabled"));
  let dedupeHeader: string | null = null;
  if (dedupeEnabled) {
    dedupeHeader = field(form, "dedupeHeader").trim() || null;
    const headerProblem = dedupeHeader === null ? null : headerNameProblem(dedupeHeader);
    if (headerProblem) errors.dedupeHeader = headerProblem;
  }

  let rateLimitPerMinute: number | null = null;
  const rateText = field(form, "rateLimitPerMinute").trim();
  if (rateText !== "") {
    const rateProblem = /^\d+$/.test(rateText) ? rateLimitProblem(Number(rateText)) : rateLimitProblem(NaN);
    if (rateProblem) errors.rateLimitPerMinute = `${rateProblem}, or empty for the shop default`;
    else rateLimitPerMinute = Number(rateText);
  }

  const responseMode = choice(field(form, "responseMode"), RESPONSE_MODES, "immediate");
  if (!responseMode) errors.responseMode = 'Response must be "immediate" or "wait"';
  let responseTimeoutSeconds: number = RESPONSE_TIMEOUT_SECONDS.default;
  const timeoutText = field(form, "responseTimeoutSeconds").trim();
  if (timeoutText !== "") {
    const timeoutProblem = responseTimeoutProblem(/^\d+$/.test(timeoutText) ? Number(timeoutText) : NaN);
    if (timeoutProblem) errors.responseTimeoutSeconds = timeoutProblem;
    else responseTimeoutSeconds = Number(timeoutText);
  }

  if (
    Object.keys(errors).length > 0 ||
    !responseMode ||
    !dataMode ||
    !corsMode ||
    !signatureMode ||
    !signatureEncoding
  ) {
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
      responseMode,
      responseTimeoutSeconds,
    },
  };
}
