// Error boundary content for the app's screens: a clear page for "not found", Shopify's boundary otherwise
// (it renders the auth responses App Bridge needs).
import { isRouteErrorResponse, Link as RemixLink, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { Banner, BlockStack, Card, Page, Text } from "@shopify/polaris";

export function RouteError({ what, backUrl, backLabel }: { what: string; backUrl: string; backLabel: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 400)) {
    return (
      <Page
        title={error.status === 404 ? `${what} not found` : "Bad request"}
        backAction={{ content: backLabel, url: backUrl }}
      >
        <Card>
          <BlockStack gap="200">
            <Text as="p">
              {error.status === 404
                ? `This ${what.toLowerCase()} does not exist in this store, or it was deleted.`
                : String(error.data || "The request was not understood.")}
            </Text>
            <RemixLink to={backUrl}>{backLabel}</RemixLink>
          </BlockStack>
        </Card>
      </Page>
    );
  }
  if (isRouteErrorResponse(error)) return boundary.error(error);
  return (
    <Page title="Something went wrong">
      <Banner tone="critical" title="This page could not be shown">
        <p>{error instanceof Error ? error.message : "Unexpected error"}</p>
      </Banner>
    </Page>
  );
}
