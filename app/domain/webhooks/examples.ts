// Ready-to-paste ways to send a request to a webhook URL, filled with the real URL.

export interface CodeExample {
  id: "curl-form" | "curl-json" | "fetch" | "jquery";
  label: string;
  code: string;
}

/** Single-quotes a value for POSIX shells (a URL never needs more, but be safe). */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function webhookExamples(url: string): CodeExample[] {
  const js = JSON.stringify(url);
  return [
    {
      id: "curl-form",
      label: "curl (form)",
      code: `curl -X POST -F foo=bar ${shellQuote(url)}`,
    },
    {
      id: "curl-json",
      label: "curl (JSON)",
      code: [
        `curl -X POST ${shellQuote(url)} \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d '{"foo": "bar", "customer_id": 1001}'`,
      ].join("\n"),
    },
    {
      id: "fetch",
      label: "fetch",
      code: [
        `fetch(${js}, {`,
        `  method: "POST",`,
        `  headers: { "Content-Type": "application/json" },`,
        `  body: JSON.stringify({ foo: "bar", customer_id: 1001 }),`,
        `});`,
      ].join("\n"),
    },
    {
      id: "jquery",
      label: "jQuery",
      code: [`jQuery.post(${js}, {`, `  foo: "bar",`, `  contact: { email: "jane@example.com" },`, `});`].join("\n"),
    },
  ];
}

/** The sample payload "Send test event" posts. */
export const TEST_EVENT_PAYLOAD = {
  hello: "world",
  sent_from: "Hookline test button",
  customer_id: 1001,
} as const;
