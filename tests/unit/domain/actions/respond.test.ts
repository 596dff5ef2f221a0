// The respond action's checks (issue 15): status, header allowlist, body form and size.
import { describe, expect, it } from "vitest";
import { FloatNumber } from "~/domain/json";
import {
  checkRespondOptions,
  isAllowedResponseHeader,
  performRespond,
  RESPOND_MAX_BODY_BYTES,
} from "~/domain/actions/respond";
import { performAction } from "~/domain/actions";

describe("checkRespondOptions", () => {
  it("defaults to 200 with an empty body; JSON bodies are written as JSON, strings as they are", () => {
    expect(checkRespondOptions({})).toEqual({ response: { status: 200, headers: {}, body: "" }, strippedHeaders: [] });
    expect(checkRespondOptions({ body: { total: 12n, ok: true } })).toEqual({
      response: {
        status: 200,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: '{"total":12,"ok":true}',
      },
      strippedHeaders: [],
    });
    expect(checkRespondOptions({ status: "201", body: "hi", headers: { "Content-Type": "text/csv" } })).toEqual({
      response: { status: 201, headers: { "content-type": "text/csv" }, body: "hi" },
      strippedHeaders: [],
    });
    expect(checkRespondOptions({ status: new FloatNumber(404) })).toMatchObject({ response: { status: 404 } });
  });

  it("refuses statuses outside 200-599 and bodies on 204/205/304", () => {
    for (const status of [199, 600, 99, 2.5, "abc", true]) {
      expect(checkRespondOptions({ status })).toEqual({
        error: `respond status must be a whole number from 200 to 599 (got ${JSON.stringify(String(status))})`,
      });
    }
    expect(checkRespondOptions({ status: 204 })).toMatchObject({ response: { status: 204, body: "" } });
    expect(checkRespondOptions({ status: 204, body: "x" })).toEqual({
      error: "a 204 response has no body: leave body out or use another status",
    });
  });

  it("keeps content-type, cache-control, location and x-*; strips cookies, hop-by-hop and the rest", () => {
    const checked = checkRespondOptions({
      headers: {
        "Cache-Control": "no-store",
        Location: "https://example.com/next",
        "X-Quote-Id": 42,
        "Set-Cookie": "session=1",
        Connection: "close",
        "Transfer-Encoding": "chunked",
        "Content-Length": "5",
        "X-Request-Id": "forged",
        "Access-Control-Allow-Origin": "*",
      },
    });
    expect(checked).toEqual({
      response: {
        status: 200,
        headers: { "cache-control": "no-store", location: "https://example.com/next", "x-quote-id": "42" },
        body: "",
      },
      strippedHeaders: [
        "set-cookie",
        "connection",
        "transfer-encoding",
        "content-length",
        "x-request-id",
        "access-control-allow-origin",
      ],
    });
    expect(isAllowedResponseHeader("x-")).toBe(false);
    expect(isAllowedResponseHeader("keep-alive")).toBe(false);
  });

  it("refuses header values with line breaks (no header injection) and bad names", () => {
    expect(checkRespondOptions({ headers: { "x-a": "1\r\nSet-Cookie: a=b" } })).toEqual({
      error: "respond header x-a must be printable ASCII without line breaks, at most 8192 characters",
    });
    expect(checkRespondOptions({ headers: { "x a": "1" } })).toEqual({
      error: 'respond header name "x a" is not a valid HTTP header name',
    });
    expect(checkRespondOptions({ headers: ["x"] })).toEqual({
      error: "respond headers must be an object of header names and values",
    });
  });

  it("bodies up to 1 MiB (UTF-8 bytes)", () => {
    expect(checkRespondOptions({ body: "x".repeat(RESPOND_MAX_BODY_BYTES) })).toMatchObject({
      response: { status: 200 },
    });
    expect(checkRespondOptions({ body: "é".repeat(RESPOND_MAX_BODY_BYTES / 2 + 1) })).toEqual({
      error: "respond body is 1048578 bytes; the limit is 1048576 (1 MiB)",
    });
  });

  it("refuses unknown options and non-objects", () => {
    expect(checkRespondOptions({ code: 200 })).toEqual({
      error: "respond action: unknown option code (use status, headers, body)",
    });
    expect(checkRespondOptions("hello")).toMatchObject({
      error: expect.stringMatching(/^respond action options must be an object/),
    });
    // Mechanic's control keys are the runner's.
    expect(checkRespondOptions({ body: "a", __perform_event: false })).toMatchObject({ response: { body: "a" } });
  });
});

describe("performRespond", () => {
  it("records the response and its delivery; a failed check fails the action", async () => {
    const sent: unknown[] = [];
    const outcome = await performRespond({ body: "hi", headers: { "set-cookie": "a" } }, async (response) => {
      sent.push(response);
      return { delivered: true, answeredInMs: 7 };
    });
    expect(sent).toEqual([{ status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "hi" }]);
    expect(outcome).toEqual({
      ok: true,
      result: {
        status: 200,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: "hi",
        strippedHeaders: ["set-cookie"],
        delivered: true,
        answeredInMs: 7,
      },
    });
    expect(await performRespond({ status: 99 }, async () => ({ delivered: true }))).toMatchObject({
      ok: false,
      retryable: false,
    });
  });

  it("is a supported action type; without a delivery it is recorded as not delivered", async () => {
    const outcome = await performAction("respond", { body: "x" }, {} as never);
    expect(outcome).toMatchObject({ ok: true, result: { delivered: false } });
  });
});
