// The shop's settings, stored on its Shop row (created on first save if the install hook never ran).
import prisma from "~/data/db.server";
import { ALL_WEBHOOKS } from "~/data/webhook-changes.server";
import { forgetWebhooks } from "~/data/webhooks.server";
import { parseJsonOr } from "~/domain/json";
import { DEFAULT_RETENTION_DAYS, type SettingsValues } from "~/domain/shops/settings";

const DEFAULTS = { retentionDays: DEFAULT_RETENTION_DAYS, rateLimitPerMinute: null };

export async function readSettings(shop: string): Promise<SettingsValues> {
  const row = await prisma.shop.findUnique({
    where: { domain: shop },
    select: { corsOrigins: true, retentionDays: true, rateLimitPerMinute: true },
  });
  if (!row) return { corsOrigins: [], ...DEFAULTS };
  const origins = parseJsonOr<unknown>(row.corsOrigins, []);
  return {
    corsOrigins: Array.isArray(origins) ? origins.filter((o): o is string => typeof o === "string") : [],
    retentionDays: row.retentionDays,
    rateLimitPerMinute: row.rateLimitPerMinute,
  };
}

export async function saveSettings(shop: string, values: SettingsValues): Promise<void> {
  const data = {
    corsOrigins: JSON.stringify(values.corsOrigins),
    retentionDays: values.retentionDays,
    rateLimitPerMinute: values.rateLimitPerMinute,
  };
  await prisma.shop.upsert({ where: { domain: shop }, create: { domain: shop, ...data }, update: data });
  // The shop's rate limit and CORS origins are folded into each of its webhooks' cached entries.
  await forgetWebhooks(ALL_WEBHOOKS);
}
