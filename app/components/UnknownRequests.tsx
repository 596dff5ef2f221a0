// "Requests to unknown webhook ids in the last 24 h: N" (issue 13). A mistyped webhook URL still
// answers 204 (docs/decisions/0030); this count, for requests whose Origin or Referer names this
// shop, is how a merchant finds one.
import { Banner, Text } from "@shopify/polaris";

const EXPLAIN =
  "They are answered 204 like any other, so a sender with a mistyped URL sees no error; compare the URL it uses with the webhook's.";

export function UnknownRequests({ count, banner = false }: { count: number | null; banner?: boolean }) {
  if (count === null) return null; // Redis unreachable: nothing to say.
  const line = `Requests to unknown webhook ids in the last 24 h: ${count}`;
  if (banner) {
    return (
      <Banner tone="warning" title="A webhook URL may be mistyped">
        <p>
          <span data-testid="unknown-webhook-requests">{line}</span>. Requests from this store's pages (by their Origin
          or Referer) went to a webhook URL that does not exist. {EXPLAIN}
        </p>
      </Banner>
    );
  }
  return (
    <Text as="p" variant="bodySm" tone={count > 0 ? "caution" : "subdued"}>
      <span data-testid="unknown-webhook-requests">{line}</span>
      {count > 0 ? ` (told by their Origin or Referer). ${EXPLAIN}` : " (told by their Origin or Referer)."}
    </Text>
  );
}
