// POST /admin/oauth/access_token: Shopify's token exchange, verified with the app's credentials
// and the session token's signature and claims. Also drives the store with @shopify/shopify-api
// itself, through the app's own fetch rewrite, to prove the real client accepts its answers.
import { describe, expect, it } from "vitest";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, RequestedTokenType, shopifyApi, LogSeverity } from "@shopify/shopify-api";
import { installLocalStoreFetch } from "~/services/local-mode/admin-requests.server";
import { ID_TOKEN_TYPE, OFFLINE_TOKEN_TYPE, ONLINE_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE } from "~/local-store";
import { API_KEY, API_SECRET, DEMO_SHOP, OTHER_SHOP, graphql, sessionToken, localStoreForFile } from "./helpers";

const ctx = localStoreForFile();

function exchange(params: Record<string, string>, options: { shop?: string; form?: boolean } = {}) {
  const body = {
    client_id: API_KEY,
    client_secret: API_SECRET,
    grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
    subject_token: sessionToken(options.shop ?? DEMO_SHOP),
    subject_token_type: ID_TOKEN_TYPE,
    requested_token_type: OFFLINE_TOKEN_TYPE,
    ...params,
  };
  return fetch(`${ctx.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: {
      "Content-Type": options.form ? "application/x-www-form-urlencoded" : "application/json",
      Accept: "application/json",
      "X-Hookline-Shop": options.shop ?? DEMO_SHOP,
    },
    body: options.form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

describe("token exchange", () => {
  it("exchanges a session token for an offline access token that works on the Admin API", async () => {
    const response = await exchange({});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; scope: string };
    expect(body).toEqual({
      access_token: expect.stringMatching(/^shpat_[0-9a-f]{32}$/),
      scope: "read_customers,write_customers",
    });
    const answer = await graphql(ctx, "{ shop { name } }", undefined, { token: body.access_token });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ shop: { name: "Demo Store" } });
    // The offline token is stable (survives a store restart), and only valid for its shop.
    expect(body.access_token).toBe(ctx.store.offlineAccessToken(DEMO_SHOP));
    expect(
      (await graphql(ctx, "{ shop { name } }", undefined, { shop: OTHER_SHOP, token: body.access_token })).status,
    ).toBe(401);
  });

  it("accepts a form-encoded body too", async () => {
    const response = await exchange({}, { form: true });
    expect(response.status).toBe(200);
  });

  it("issues online tokens with an expiry and the associated user", async () => {
    const response = await exchange({ requested_token_type: ONLINE_TOKEN_TYPE });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({
      access_token: expect.stringMatching(/^shpua_/),
      scope: "read_customers,write_customers",
      expires_in: 86399,
      associated_user_scope: "read_customers,write_customers",
      associated_user: { id: 42, email: "owner@demo-store.example", account_owner: true },
    });
    expect((await graphql(ctx, "{ shop { name } }", undefined, { token: body.access_token })).status).toBe(200);
  });

  it("issues expiring offline tokens with a refresh token when asked, and refreshes them once", async () => {
    const response = await exchange({ expiring: "1" });
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/) });
    expect((await graphql(ctx, "{ shop { name } }", undefined, { token: body.access_token })).status).toBe(200);
    const refresh = (token: string) =>
      fetch(`${ctx.url}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Hookline-Shop": DEMO_SHOP },
        body: JSON.stringify({
          client_id: API_KEY,
          client_secret: API_SECRET,
          grant_type: "refresh_token",
          refresh_token: token,
        }),
      });
    const refreshed = await refresh(body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { access_token: string }).access_token).toMatch(/^shpat_/);
    const reused = await refresh(body.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a wrong client secret or client id with invalid_client", async () => {
    const badSecret = await exchange({ client_secret: "not-the-secret" });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toMatchObject({ error: "invalid_client" });
    const badId = await exchange({ client_id: "someone-else" });
    expect(badId.status).toBe(401);
  });

  it("refuses session tokens that are forged, expired, for another app or for another shop", async () => {
    const cases: [string, string][] = [
      ["signed with another secret", sessionToken(DEMO_SHOP, {}, "wrong-secret")],
      ["expired", sessionToken(DEMO_SHOP, { exp: Date.now() / 1000 - 3600 })],
      ["not valid yet", sessionToken(DEMO_SHOP, { nbf: Date.now() / 1000 + 3600 })],
      ["for another app", sessionToken(DEMO_SHOP, { aud: "another-app" })],
      ["for another shop", sessionToken(OTHER_SHOP)],
      ["not a JWT", "garbage"],
    ];
    for (const [label, token] of cases) {
      const response = await exchange({ subject_token: token });
      const body = (await response.json()) as { error: string; error_description: string };
      expect({ label, status: response.status, error: body.error }).toEqual({
        label,
        status: 400,
        error: "invalid_subject_token",
      });
    }
    const unsigned = sessionToken(DEMO_SHOP).split(".");
    const noneAlg = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${unsigned[1]}.`;
    const response = await exchange({ subject_token: noneAlg });
    expect(response.status).toBe(400);
  });

  it("refuses malformed requests clearly", async () => {
    expect((await exchange({ grant_type: "password" })).status).toBe(400);
    expect(await (await exchange({ grant_type: "password" })).json()).toMatchObject({
      error: "unsupported_grant_type",
    });
    expect(await (await exchange({ subject_token_type: "urn:other" })).json()).toMatchObject({
      error: "invalid_request",
    });
    expect(await (await exchange({ requested_token_type: "urn:other" })).json()).toMatchObject({
      error: "invalid_request",
    });
    const notJson = await fetch(`${ctx.url}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hookline-Shop": DEMO_SHOP },
      body: "{oops",
    });
    expect(notJson.status).toBe(400);
    expect(
      (await fetch(`${ctx.url}/admin/oauth/access_token`, { headers: { "X-Hookline-Shop": DEMO_SHOP } })).status,
    ).toBe(405);
    expect((await exchange({}, { shop: "nowhere.myshopify.com" })).status).toBe(404);
  });
});

describe("@shopify/shopify-api against the local store", () => {
  it("exchanges a token and runs GraphQL through the app's fetch rewrite", async () => {
    installLocalStoreFetch(ctx.url);
    const shopify = shopifyApi({
      apiKey: API_KEY,
      apiSecretKey: API_SECRET,
      apiVersion: ApiVersion.October25,
      scopes: ["read_customers", "write_customers"],
      hostName: "localhost:3000",
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error },
    });
    const { session } = await shopify.auth.tokenExchange({
      shop: DEMO_SHOP,
      sessionToken: sessionToken(DEMO_SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.accessToken).toBe(ctx.store.offlineAccessToken(DEMO_SHOP));
    expect(session.isOnline).toBe(false);

    const client = new shopify.clients.Graphql({ session });
    const response = await client.request<{ customers: { nodes: { email: string }[] } }>(
      `query Find($q: String) { customers(first: 5, query: $q) { nodes { email } } }`,
      { variables: { q: "email:ada@example.com" } },
    );
    expect(response.data?.customers.nodes).toEqual([{ email: "ada@example.com" }]);
    expect((response.extensions as { cost: { requestedQueryCost: number } }).cost.requestedQueryCost).toBe(7);

    const mutation = await client.request<{ metafieldsSet: { userErrors: unknown[] } }>(
      `mutation { metafieldsSet(metafields: [{ ownerId: "gid://shopify/Customer/1001", namespace: "custom", key: "via_client", type: "json", value: "{\\"a\\":1}" }]) { userErrors { code } } }`,
    );
    expect(mutation.data?.metafieldsSet.userErrors).toEqual([]);
    expect(ctx.store.state.getMetafield(DEMO_SHOP, 1001, "custom", "via_client")?.value).toBe('{"a":1}');

    // Like against Shopify, the library throws on GraphQL errors, carrying Shopify's message.
    await expect(client.request(`{ customer(id: "gid://shopify/Customer/1001") { nope } }`)).rejects.toThrow(
      "Field 'nope' doesn't exist on type 'Customer'",
    );

    // A refused session token surfaces as an error from the library, not a session.
    await expect(
      shopify.auth.tokenExchange({
        shop: DEMO_SHOP,
        sessionToken: sessionToken(OTHER_SHOP),
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
      }),
    ).rejects.toThrow();
  });
});
