// `hookline webhooks ...`: create and list inbound webhooks (and manage them) from the shell.
import type { Command } from "commander";
import {
  DEFAULT_DEDUPE_HEADERS,
  MAX_NAME_LENGTH,
  RESPONSE_MODES,
  RESPONSE_TIMEOUT_SECONDS,
} from "../../app/domain/webhooks/rules";
import prisma from "../../app/data/db.server";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  regenerateWebhookId,
  setWebhookEnabled,
  updateWebhook,
  WebhookInputError,
  WebhookNotFoundError,
  type WebhookInput,
  type WebhookWithUrl,
} from "../../app/data/webhooks.server";

/** The record as printed: the signing secret only when asked (it is shown once, at creation). */
function view(webhook: WebhookWithUrl, showSecret: boolean) {
  return {
    id: webhook.id,
    shop: webhook.shop,
    name: webhook.name,
    topic: webhook.topic,
    url: webhook.url,
    enabled: webhook.enabled,
    dataMode: webhook.dataMode,
    corsMode: webhook.corsMode,
    signatureMode: webhook.signatureMode,
    ...(webhook.signatureMode !== "none" ? { signatureSecret: showSecret ? webhook.signatureSecret : "(hidden)" } : {}),
    dedupeEnabled: webhook.dedupeEnabled,
    rateLimitPerMinute: webhook.rateLimitPerMinute,
    responseMode: webhook.responseMode,
    responseTimeoutSeconds: webhook.responseTimeoutSeconds,
    lastReceivedAt: webhook.lastReceivedAt?.toISOString() ?? null,
    createdAt: webhook.createdAt.toISOString(),
  };
}

function printOne(webhook: WebhookWithUrl, json: boolean, showSecret: boolean): void {
  const record = view(webhook, showSecret);
  if (json) {
    console.log(JSON.stringify(record, null, 2));
    return;
  }
  for (const [key, value] of Object.entries(record)) console.log(`${key.padEnd(19)} ${value ?? "-"}`);
}

/** Runs a command body; input and not-found errors print one line and exit 1. */
function run<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      if (error instanceof WebhookInputError || error instanceof WebhookNotFoundError) {
        console.error(`hookline: ${error.message}`);
        process.exitCode = 1;
      } else {
        throw error;
      }
    } finally {
      await prisma.$disconnect();
    }
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new WebhookInputError({ rateLimitPerMinute: `--rate-limit must be a whole number above 0 (got ${value})` });
  return n;
}

/** A whole number of seconds for --response-timeout (the range is checked by the model's rule). */
function seconds(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isInteger(n) ? n : -1;
}

type Opts = Record<string, string | boolean | undefined>;

/** The settings options create and update share, read into a WebhookInput (the model validates them). */
function settingsFrom(opts: Opts): WebhookInput {
  const input: WebhookInput = {};
  if (opts.name !== undefined) input.name = opts.name as string;
  if (opts.topic !== undefined) input.topic = opts.topic as string;
  if (opts.dataMode !== undefined) input.dataMode = opts.dataMode as WebhookInput["dataMode"];
  if (opts.cors !== undefined) input.corsMode = opts.cors as WebhookInput["corsMode"];
  if (opts.signature !== undefined) input.signatureMode = opts.signature as WebhookInput["signatureMode"];
  if (opts.signatureHeader !== undefined) input.signatureHeader = opts.signatureHeader as string;
  if (opts.signatureEncoding !== undefined)
    input.signatureEncoding = opts.signatureEncoding as WebhookInput["signatureEncoding"];
  if (opts.signatureSecret !== undefined) input.signatureSecret = opts.signatureSecret as string;
  if (opts.dedupe !== undefined) {
    input.dedupeEnabled = true;
    if (typeof opts.dedupe === "string") input.dedupeHeader = opts.dedupe;
  }
  if (opts.rateLimit !== undefined) input.rateLimitPerMinute = positiveInt(opts.rateLimit as string);
  if (opts.response !== undefined) input.responseMode = opts.response as WebhookInput["responseMode"];
  if (opts.responseTimeout !== undefined) input.responseTimeoutSeconds = seconds(opts.responseTimeout as string);
  return input;
}

function settingsOptions(command: Command): Command {
  return command
    .option("--data-mode <mode>", 'event data mode: "auto" (default) or "full" (the whole request)')
    .option("--cors <mode>", 'browser origins: "any" (default) or "restricted" (the shop\'s storefront origins)')
    .option("--signature <mode>", 'signature verification: "none" (default), "standard" (Standard Webhooks) or "hmac"')
    .option("--signature-header <name>", "header carrying the HMAC (hmac mode)")
    .option("--signature-encoding <encoding>", '"hex" (default) or "base64" (hmac mode)')
    .option("--signature-secret <secret>", "the sender's secret (hmac mode; generated when omitted)")
    .option(
      "--dedupe [header]",
      `drop repeats of a delivery id header within 24 hours (${DEFAULT_DEDUPE_HEADERS.join(", ")} by default)`,
    )
    .option("--rate-limit <perMinute>", "requests per minute before 429 (default: the shop's setting)")
    .option(
      "--response <mode>",
      `how the sender is answered: ${RESPONSE_MODES.map((m) => `"${m}"`).join(" or ")} (wait: a task's respond action answers)`,
    )
    .option(
      "--response-timeout <seconds>",
      `wait mode: seconds before the sender gets 202 (${RESPONSE_TIMEOUT_SECONDS.min}-${RESPONSE_TIMEOUT_SECONDS.max}, default ${RESPONSE_TIMEOUT_SECONDS.default})`,
    )
    .option("--json", "print JSON");
}

export function registerWebhooks(program: Command): void {
  const webhooks = program.command("webhooks").description("inbound webhooks: URLs that turn POSTs into events");

  settingsOptions(
    webhooks
      .command("create")
      .description("create a webhook and print it with its URL")
      .requiredOption("--shop <shop>", "shop domain, e.g. demo-store.myshopify.com")
      .requiredOption("--name <name>", `a name for people (at most ${MAX_NAME_LENGTH} characters)`)
      .requiredOption("--topic <topic>", "event topic, user/<subject>/<verb>"),
  ).action(
    run(async (opts: Opts) => {
      const input = settingsFrom(opts);
      const webhook = await createWebhook(opts.shop as string, input);
      printOne(webhook, Boolean(opts.json), true);
    }),
  );

  settingsOptions(
    webhooks
      .command("update <id>")
      .description("change a webhook's settings (only the options given)")
      .requiredOption("--shop <shop>", "shop domain")
      .option("--name <name>", `a name for people (at most ${MAX_NAME_LENGTH} characters)`)
      .option("--topic <topic>", "event topic, user/<subject>/<verb>"),
  ).action(
    run(async (id: string, opts: Opts) => {
      const input = settingsFrom(opts);
      printOne(await updateWebhook(opts.shop as string, id, input), Boolean(opts.json), false);
    }),
  );

  webhooks
    .command("list")
    .description("list the shop's webhooks")
    .requiredOption("--shop <shop>", "shop domain")
    .option("--json", "print JSON")
    .action(
      run(async (opts: { shop: string; json?: boolean }) => {
        const rows = await listWebhooks(opts.shop);
        if (opts.json) {
          console.log(
            JSON.stringify(
              rows.map((w) => view(w, false)),
              null,
              2,
            ),
          );
          return;
        }
        if (rows.length === 0) {
          console.log(`No webhooks for ${opts.shop}.`);
          return;
        }
        for (const w of rows)
          console.log(`${w.enabled ? "on " : "off"}  ${w.topic.padEnd(32)} ${w.name}\n     ${w.url}`);
      }),
    );

  webhooks
    .command("show <id>")
    .description("show one webhook")
    .requiredOption("--shop <shop>", "shop domain")
    .option("--show-secret", "include the signing secret")
    .option("--json", "print JSON")
    .action(
      run(async (id: string, opts: { shop: string; json?: boolean; showSecret?: boolean }) => {
        const webhook = await getWebhook(opts.shop, id);
        if (!webhook) throw new WebhookNotFoundError(id);
        printOne(webhook, Boolean(opts.json), Boolean(opts.showSecret));
      }),
    );

  for (const [name, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    webhooks
      .command(`${name} <id>`)
      .description(`${name} a webhook (a disabled webhook's URL still answers 204 but creates no events)`)
      .requiredOption("--shop <shop>", "shop domain")
      .action(
        run(async (id: string, opts: { shop: string }) => {
          const webhook = await setWebhookEnabled(opts.shop, id, enabled);
          console.log(`${webhook.name}: ${webhook.enabled ? "enabled" : "disabled"}`);
        }),
      );
  }

  webhooks
    .command("regenerate <id>")
    .description("give the webhook a new URL; the old one stops creating events")
    .requiredOption("--shop <shop>", "shop domain")
    .option("--json", "print JSON")
    .action(
      run(async (id: string, opts: { shop: string; json?: boolean }) => {
        printOne(await regenerateWebhookId(opts.shop, id), Boolean(opts.json), false);
      }),
    );

  webhooks
    .command("delete <id>")
    .description("delete a webhook (its past events stay)")
    .requiredOption("--shop <shop>", "shop domain")
    .action(
      run(async (id: string, opts: { shop: string }) => {
        await deleteWebhook(opts.shop, id);
        console.log(`Deleted ${id}`);
      }),
    );
}
