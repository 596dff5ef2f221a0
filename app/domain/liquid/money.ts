// Money in Liquid: Shopify's money filters (money, money_with_currency, money_without_currency,
// money_without_trailing_zeros) with the shop's money formats, and Mechanic's `currency` filter
// (a currency's symbol and the locale's separators, as the money gem and rails-i18n write them).
//
// Amounts are in the currency's units ("254.98", 254.98), as Mechanic's REST-shaped objects hold
// them and as the task library applies these filters (`order.total_price | money_with_currency`);
// Shopify's storefront filters take cents instead, which no Mechanic task passes.
import { round } from "./numbers";

interface CurrencyInfo {
  symbol: string;
  symbolFirst: boolean;
  /** Digits after the decimal mark (0 for JPY). */
  decimals: number;
}

// From the money gem's currency table (config/currency_iso.json), the currencies shops sell in.
const CURRENCIES: Record<string, CurrencyInfo> = {
  USD: { symbol: "$", symbolFirst: true, decimals: 2 },
  CAD: { symbol: "$", symbolFirst: true, decimals: 2 },
  AUD: { symbol: "$", symbolFirst: true, decimals: 2 },
  NZD: { symbol: "$", symbolFirst: true, decimals: 2 },
  SGD: { symbol: "$", symbolFirst: true, decimals: 2 },
  HKD: { symbol: "$", symbolFirst: true, decimals: 2 },
  MXN: { symbol: "$", symbolFirst: true, decimals: 2 },
  ARS: { symbol: "$", symbolFirst: true, decimals: 2 },
  CLP: { symbol: "$", symbolFirst: true, decimals: 0 },
  COP: { symbol: "$", symbolFirst: true, decimals: 2 },
  TWD: { symbol: "$", symbolFirst: true, decimals: 2 },
  EUR: { symbol: "€", symbolFirst: true, decimals: 2 },
  GBP: { symbol: "£", symbolFirst: true, decimals: 2 },
  JPY: { symbol: "¥", symbolFirst: true, decimals: 0 },
  CNY: { symbol: "¥", symbolFirst: true, decimals: 2 },
  INR: { symbol: "₹", symbolFirst: true, decimals: 2 },
  KRW: { symbol: "₩", symbolFirst: true, decimals: 0 },
  CHF: { symbol: "CHF", symbolFirst: true, decimals: 2 },
  SEK: { symbol: "kr", symbolFirst: false, decimals: 2 },
  NOK: { symbol: "kr", symbolFirst: false, decimals: 2 },
  DKK: { symbol: "kr.", symbolFirst: false, decimals: 2 },
  ISK: { symbol: "kr.", symbolFirst: false, decimals: 0 },
  PLN: { symbol: "zł", symbolFirst: false, decimals: 2 },
  CZK: { symbol: "Kč", symbolFirst: false, decimals: 2 },
  HUF: { symbol: "Ft", symbolFirst: false, decimals: 2 },
  RON: { symbol: "Lei", symbolFirst: false, decimals: 2 },
  BGN: { symbol: "лв.", symbolFirst: false, decimals: 2 },
  TRY: { symbol: "₺", symbolFirst: true, decimals: 2 },
  RUB: { symbol: "₽", symbolFirst: false, decimals: 2 },
  UAH: { symbol: "₴", symbolFirst: false, decimals: 2 },
  ILS: { symbol: "₪", symbolFirst: true, decimals: 2 },
  AED: { symbol: "د.إ", symbolFirst: false, decimals: 2 },
  SAR: { symbol: "ر.س", symbolFirst: true, decimals: 2 },
  ZAR: { symbol: "R", symbolFirst: true, decimals: 2 },
  BRL: { symbol: "R$", symbolFirst: true, decimals: 2 },
  PEN: { symbol: "S/", symbolFirst: true, decimals: 2 },
  THB: { symbol: "฿", symbolFirst: true, decimals: 2 },
  MYR: { symbol: "RM", symbolFirst: true, decimals: 2 },
  IDR: { symbol: "Rp", symbolFirst: true, decimals: 2 },
  PHP: { symbol: "₱", symbolFirst: true, decimals: 2 },
  VND: { symbol: "₫", symbolFirst: false, decimals: 0 },
  NGN: { symbol: "₦", symbolFirst: true, decimals: 2 },
  EGP: { symbol: "ج.م", symbolFirst: true, decimals: 2 },
  KES: { symbol: "KSh", symbolFirst: true, decimals: 2 },
  PKR: { symbol: "₨", symbolFirst: true, decimals: 2 },
};

// rails-i18n number.currency.format: [thousands delimiter, decimal separator].
const LOCALE_SEPARATORS: Record<string, [string, string]> = {
  en: [",", "."],
  ja: [",", "."],
  zh: [",", "."],
  ko: [",", "."],
  he: [",", "."],
  th: [",", "."],
  fr: [" ", ","],
  de: [".", ","],
  es: [".", ","],
  it: [".", ","],
  nl: [".", ","],
  pt: [".", ","],
  "pt-BR": [".", ","],
  da: [".", ","],
  tr: [".", ","],
  id: [".", ","],
  sv: [" ", ","],
  nb: [" ", ","],
  fi: [" ", ","],
  pl: [" ", ","],
  cs: [" ", ","],
  ru: [" ", ","],
  uk: [" ", ","],
  "de-CH": ["'", "."],
};

function currencyInfo(code: string): CurrencyInfo {
  const info = CURRENCIES[code.toUpperCase()];
  if (!info) throw new Error(`currency: unknown currency ${JSON.stringify(code)}`);
  return info;
}

/** The amount rounded half up to `decimals` places, as [integer digits, fraction digits]. */
function amountParts(input: unknown, decimals: number): { negative: boolean; whole: string; fraction: string } {
  const rounded = round(input, decimals);
  const text = typeof rounded === "object" ? rounded.value.toFixed(decimals) : Number(rounded).toFixed(decimals);
  const negative = text.startsWith("-") && /[1-9]/.test(text);
  const [whole, fraction = ""] = text.replace(/^-/, "").split(".");
  return { negative, whole, fraction };
}

function group(whole: string, delimiter: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, delimiter);
}

/** Mechanic's currency filter: `{{ 100000 | currency: "EUR", locale: "fr" }}` is "€100 000,00". */
export function formatCurrency(amount: unknown, currencyCode: string, locale = "en"): string {
  const info = currencyInfo(currencyCode);
  const separators = LOCALE_SEPARATORS[locale] ?? LOCALE_SEPARATORS[locale.split("-")[0]] ?? LOCALE_SEPARATORS.en;
  const [delimiter, separator] = separators;
  const { negative, whole, fraction } = amountParts(amount, info.decimals);
  const number = group(whole, delimiter) + (fraction ? separator + fraction : "");
  const text = info.symbolFirst ? `${info.symbol}${number}` : `${number} ${info.symbol}`;
  return negative ? `-${text}` : text;
}

/** The shop's money formats; derived from the currency when the shop gives none. */
export interface MoneyFormats {
  moneyFormat: string;
  moneyWithCurrencyFormat: string;
}

export function defaultMoneyFormats(currencyCode: string): MoneyFormats {
  const info = CURRENCIES[currencyCode.toUpperCase()] ?? { symbol: "", symbolFirst: true, decimals: 2 };
  const amount = info.decimals === 0 ? "{{amount_no_decimals}}" : "{{amount}}";
  const moneyFormat = info.symbolFirst ? `${info.symbol}${amount}` : `${amount} ${info.symbol}`;
  return { moneyFormat: moneyFormat.trim(), moneyWithCurrencyFormat: `${moneyFormat.trim()} ${currencyCode}` };
}

/** Shopify's money format placeholders ({{amount}}, {{amount_with_comma_separator}}, ...). */
export function formatMoney(amount: unknown, format: string, options: { trimZeros?: boolean } = {}): string {
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, name: string) => {
    const spec = PLACEHOLDERS[name];
    if (!spec) return placeholder;
    const { negative, whole, fraction } = amountParts(amount, spec.decimals);
    let fractionText = fraction;
    if (options.trimZeros && /^0+$/.test(fractionText)) fractionText = "";
    const number = group(whole, spec.delimiter) + (fractionText ? spec.separator + fractionText : "");
    return negative ? `-${number}` : number;
  });
}

const PLACEHOLDERS: Record<string, { decimals: number; delimiter: string; separator: string }> = {
  amount: { decimals: 2, delimiter: ",", separator: "." },
  amount_no_decimals: { decimals: 0, delimiter: ",", separator: "." },
  amount_with_comma_separator: { decimals: 2, delimiter: ".", separator: "," },
  amount_no_decimals_with_comma_separator: { decimals: 0, delimiter: ".", separator: "," },
  amount_with_apostrophe_separator: { decimals: 2, delimiter: "'", separator: "." },
  amount_no_decimals_with_space_separator: { decimals: 0, delimiter: " ", separator: "," },
  amount_with_space_separator: { decimals: 2, delimiter: " ", separator: "," },
  amount_with_period_and_space_separator: { decimals: 2, delimiter: " ", separator: "." },
};

/** Strips HTML Shopify puts in money formats (`<span class=money>`), as the filters print text. */
export function plainFormat(format: string): string {
  return format.replace(/<[^>]*>/g, "");
}
