import { describe, expect, it } from "vitest";
import {
  buildAutoData,
  buildFullRequestData,
  bodyKind,
  groupRawHeaders,
  mediaType,
  type ReceivedRequest,
} from "~/domain/ingress/body";
import { MAX_REQUEST_JSON_DEPTH, stringifyJson } from "~/domain/json";

const enc = new TextEncoder();

function req(contentType: string | null, body: string | Uint8Array, queryString = ""): ReceivedRequest {
  return { contentType, body: typeof body === "string" ? enc.encode(body) : body, queryString };
}

async function autoData(contentType: string | null, body: string | Uint8Array, queryString = ""): Promise<unknown> {
  const result = await buildAutoData(req(contentType, body, queryString));
  if (!result.ok) throw new Error(`refused: ${result.status} ${result.message}`);
  return result.data;
}

/** The exact bytes a fetch/browser FormData post sends, with its boundary. */
async function multipartOf(form: FormData): Promise<{ contentType: string; body: Uint8Array }> {
  const request = new Request("http://x/", { method: "POST", body: form });
  return { contentType: request.headers.get("content-type")!, body: new Uint8Array(await request.arrayBuffer()) };
}

describe("content types", () => {
  it("maps media types to parsers", () => {
    expect(mediaType("Application/JSON; charset=utf-8")).toBe("application/json");
    expect(mediaType("  ")).toBeNull();
    expect(bodyKind("application/json")).toBe("json");
    expect(bodyKind("application/vnd.api+json")).toBe("json");
    expect(bodyKind("application/x-www-form-urlencoded")).toBe("form");
    expect(bodyKind("multipart/form-data")).toBe("multipart");
    expect(bodyKind("text/plain")).toBe("text");
    expect(bodyKind(null)).toBe("text");
    expect(bodyKind("application/xml")).toBeNull();
    expect(bodyKind("text/json+xml")).toBeNull();
  });

  it("refuses other types with 415 and the accepted list", async () => {
    const result = await buildAutoData(req("application/xml", "<a/>"));
    expect(result).toEqual({
      ok: false,
      status: 415,
      message:
        'Unsupported Content-Type "application/xml"; accepted: application/json, application/*+json, application/x-www-form-urlencoded, multipart/form-data, text/plain (or none)',
    });
    expect((await buildAutoData(req("multipart/mixed; boundary=x", ""))).ok).toBe(false);
  });
});

describe("auto mode: JSON", () => {
  it("uses a JSON object as the data (seed: curl -d @data.json, fetch with JSON.stringify)", async () => {
    expect(await autoData("application/json", JSON.stringify({ some_data: "yep here it is" }))).toEqual({
      some_data: "yep here it is",
    });
  });

  it("accepts +json types and a charset parameter", async () => {
    expect(await autoData("application/vnd.api+json; charset=utf-8", '{"a":1}')).toEqual({ a: 1 });
  });

  it("merges the JSON object over the query parameters (body wins)", async () => {
    expect(await autoData("application/json", '{"a":"body","b":[1]}', "a=query&c=3")).toEqual({
      a: "body",
      b: [1],
      c: "3",
    });
  });

  it("keeps 64-bit ids exact", async () => {
    const data = await autoData("application/json", '{"order_id":820982911946154508,"n":1}');
    expect(stringifyJson(data)).toBe('{"order_id":820982911946154508,"n":1}');
  });

  it("uses any other JSON value as is, ignoring the query", async () => {
    expect(await autoData("application/json", "[1,2,3]", "a=1")).toEqual([1, 2, 3]);
    expect(await autoData("application/json", '"text"')).toBe("text");
    expect(await autoData("application/json", "42")).toBe(42);
    expect(await autoData("application/json", "null")).toBeNull();
  });

  it("gives {} for an empty JSON object and the query for an empty body", async () => {
    expect(await autoData("application/json", "{}")).toEqual({});
    expect(await autoData("application/json", "", "a=1")).toEqual({ a: "1" });
    expect(await autoData("application/json", "  \n")).toBeNull();
  });

  it("refuses malformed JSON with a one-line 400 reason", async () => {
    const result = await buildAutoData(req("application/json", '{"a":1,'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.message).toMatch(/^Malformed JSON body: /);
    expect(result.message).not.toContain("\n");
  });

  it("refuses JSON nested deeper than the request limit with 400 and the reason", async () => {
    for (const depth of [MAX_REQUEST_JSON_DEPTH + 1, 5_000, 100_000]) {
      const body = "[".repeat(depth) + "]".repeat(depth);
      const result = await buildAutoData(req("application/json", body));
      expect(result).toEqual({
        ok: false,
        status: 400,
        message: `Malformed JSON body: JSON is nested deeper than ${MAX_REQUEST_JSON_DEPTH} levels`,
      });
    }
    const deepest = "[".repeat(MAX_REQUEST_JSON_DEPTH) + "]".repeat(MAX_REQUEST_JSON_DEPTH);
    expect((await buildAutoData(req("application/json", deepest))).ok).toBe(true);
  });

  it("keeps floats floats and huge integers exact (20.0, 1e400-sized integers)", async () => {
    const huge = `1${"0".repeat(400)}`;
    const data = await autoData("application/json", `{"total":20.0,"n":${huge},"p":19.99}`);
    expect(stringifyJson(data)).toBe(`{"total":20.0,"n":${huge},"p":19.99}`);
  });

  it("refuses a jQuery-style form body sent as JSON", async () => {
    // $.ajax({ headers: { 'content-type': 'application/json' }, data: { foo: 'bar' } }) sends foo=bar
    const result = await buildAutoData(req("application/json", "foo=bar"));
    expect(result.ok ? 0 : result.status).toBe(400);
  });

  it("strips a UTF-8 byte order mark", async () => {
    expect(await autoData("application/json", '\ufeff{"a":1}')).toEqual({ a: 1 });
  });
});

describe("auto mode: forms", () => {
  it("parses urlencoded bodies (seed: $.post(url, { foo: 'bar' }))", async () => {
    expect(await autoData("application/x-www-form-urlencoded; charset=UTF-8", "foo=bar")).toEqual({ foo: "bar" });
  });

  it("parses jQuery nested objects", async () => {
    const body = new URLSearchParams([
      ["contact[name]", "Ann"],
      ["contact[Phone Number]", "555"],
      ["tags[]", "a"],
      ["tags[]", "b"],
    ]).toString();
    expect(await autoData("application/x-www-form-urlencoded", body)).toEqual({
      contact: { name: "Ann", "Phone Number": "555" },
      tags: ["a", "b"],
    });
  });

  it("merges form params over query params", async () => {
    expect(await autoData("application/x-www-form-urlencoded", "a=body", "a=q&b=q")).toEqual({ a: "body", b: "q" });
  });

  it("falls back to the raw body when it yields no params", async () => {
    expect(await autoData("application/x-www-form-urlencoded", "&&")).toBe("&&");
    expect(await autoData("application/x-www-form-urlencoded", "")).toBeNull();
  });

  it("refuses conflicting nested keys with 400", async () => {
    const result = await buildAutoData(req("application/x-www-form-urlencoded", "a=1&a[b]=2"));
    expect(result).toMatchObject({ ok: false, status: 400 });
    if (!result.ok) expect(result.message).toMatch(/^Malformed form body: expected an object for parameter "a"/);
  });

  it("parses curl -F foo=bar multipart (seed example, exact curl bytes)", async () => {
    const boundary = "------------------------d74496d66958873e";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="foo"\r\n\r\nbar\r\n--${boundary}--\r\n`;
    expect(await autoData(`multipart/form-data; boundary=${boundary}`, body)).toEqual({ foo: "bar" });
  });

  it("parses FormData with nested names and a file upload in Mechanic's file shape", async () => {
    const form = new FormData();
    form.append("contact[name]", "Ann");
    form.append("contact[Phone Number]", "555");
    form.append("items[][sku]", "A");
    form.append("items[][sku]", "B");
    form.append("attachment", new Blob([new Uint8Array([0, 1, 2, 255])], { type: "image/png" }), "pixel.png");
    const { contentType, body } = await multipartOf(form);
    expect(await autoData(contentType, body, "source=storefront")).toEqual({
      source: "storefront",
      contact: { name: "Ann", "Phone Number": "555" },
      items: [{ sku: "A" }, { sku: "B" }],
      attachment: { content_base64: "AAEC/w==", mime_type: "image/png", name: "pixel.png", size: 4 },
    });
  });

  it("keeps UTF-8 field names, values and file names", async () => {
    const form = new FormData();
    form.append("naïve", "café ☕");
    form.append("doc", new Blob(["x"], { type: "text/plain" }), "résumé.txt");
    const { contentType, body } = await multipartOf(form);
    expect(await autoData(contentType, body)).toEqual({
      naïve: "café ☕",
      doc: { content_base64: "eA==", mime_type: "text/plain", name: "résumé.txt", size: 1 },
    });
  });

  it("skips a file input left empty (empty filename)", async () => {
    const boundary = "b";
    const body = `--b\r\nContent-Disposition: form-data; name="f"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n`;
    expect(await autoData(`multipart/form-data; boundary=${boundary}`, body)).toEqual({ x: "1" });
  });

  it("refuses multipart without a boundary and a truncated multipart body with 400", async () => {
    const noBoundary = await buildAutoData(req("multipart/form-data", "--x\r\n"));
    expect(noBoundary).toMatchObject({ ok: false, status: 400 });
    const truncated = await buildAutoData(
      req("multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1'),
    );
    expect(truncated).toMatchObject({ ok: false, status: 400 });
    if (!truncated.ok) expect(truncated.message).toMatch(/^Malformed multipart body: /);
  });

  it("gives the query for an empty multipart body", async () => {
    expect(await autoData("multipart/form-data; boundary=b", "", "q=1")).toEqual({ q: "1" });
  });
});

describe("auto mode: text and no content type", () => {
  it("gives the body string", async () => {
    expect(await autoData("text/plain", "hello world")).toBe("hello world");
    expect(await autoData(null, "raw")).toBe("raw");
  });

  it("drops the text body when the URL has query params", async () => {
    expect(await autoData("text/plain", "hello", "a=1")).toEqual({ a: "1" });
  });

  it("gives the query params for query-only posts", async () => {
    expect(await autoData(null, "", "customer_id=123&tags[]=vip&tags[]=new")).toEqual({
      customer_id: "123",
      tags: ["vip", "new"],
    });
  });

  it("gives null for an empty body and no query", async () => {
    expect(await autoData(null, "")).toBeNull();
    expect(await autoData("text/plain", "")).toBeNull();
  });

  it("refuses a malformed query string with 400", async () => {
    expect(await buildAutoData(req(null, "", "a=%zz"))).toMatchObject({ ok: false, status: 400 });
  });
});

describe("full request mode", () => {
  const facts = {
    headers: groupRawHeaders(["Content-Type", "application/json", "X-Tag", "a", "x-tag", "b, c"]),
    clientIp: "203.0.113.9",
    requestId: "11111111-1111-4111-8111-111111111111",
    webhookId: "22222222-2222-4222-8222-222222222222",
  };

  it("wraps the whole request", async () => {
    const body = '{"id":820982911946154508}';
    const result = await buildFullRequestData(req("application/json", body, "a=1&a=2&b[]=x"), facts);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(stringifyJson(result.data)).toBe(
      stringifyJson({
        body: { id: 820982911946154508n },
        body_base64: Buffer.from(body).toString("base64"),
        headers: { "content-type": ["application/json"], "x-tag": ["a", "b, c"] },
        mime_type: "application/json",
        query_string: "a=1&a=2&b[]=x",
        query: { a: "2", b: ["x"] },
        client_ip: "203.0.113.9",
        request_id: facts.requestId,
        webhook_id: facts.webhookId,
      }),
    );
  });

  it("accepts any content type and gives body null for unparsed types", async () => {
    const result = await buildFullRequestData(req("application/xml", "<a/>"), facts);
    expect(result).toMatchObject({
      ok: true,
      data: { body: null, body_base64: "PGEvPg==", mime_type: "application/xml" },
    });
    const text = await buildFullRequestData(req("text/plain", "hi"), facts);
    expect(text).toMatchObject({ ok: true, data: { body: null, body_base64: "aGk=" } });
  });

  it("parses form bodies into body and still refuses malformed JSON", async () => {
    expect(await buildFullRequestData(req("application/x-www-form-urlencoded", "a[b]=1"), facts)).toMatchObject({
      ok: true,
      data: { body: { a: { b: "1" } } },
    });
    expect(await buildFullRequestData(req("application/json", "{"), facts)).toMatchObject({ ok: false, status: 400 });
  });
});
