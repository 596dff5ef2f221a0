// multipart/form-data bodies (curl -F, browser FormData) into Rack-style nested params.
// The body is already fully read and within the size limit, so parsing works on a Buffer.
// Parts are capped as Rack caps them (4,096 parts, 128 of them files): without a cap, a 1 MiB body
// of 15,000 tiny file parts cost a second of CPU. Past a cap, parsing stops at once.
import busboy from "busboy";
import { makeUploadedFile, normalizeParams, ParamsError, type ParamObject } from "./params";

export class MultipartError extends Error {}

/** A body with more parts than allowed: answered 413 (the request is too big, in parts). */
export class MultipartLimitError extends MultipartError {}

export const MULTIPART_LIMITS = { parts: 4096, files: 128 } as const;

/** Bytes handed to the parser at a time, so a limit reached early stops the work early. */
const FEED_BYTES = 16 * 1024;

export function parseMultipart(body: Uint8Array, contentType: string): Promise<ParamObject> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        // The whole body is already bounded by the ingress limit; no separate per-field cap.
        limits: {
          fieldSize: body.byteLength + 1,
          fieldNameSize: 1000,
          parts: MULTIPART_LIMITS.parts,
          files: MULTIPART_LIMITS.files,
        },
      });
    } catch (error) {
      reject(new MultipartError(error instanceof Error ? error.message : String(error)));
      return;
    }
    const params: ParamObject = {};
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      if (error instanceof ParamsError || error instanceof MultipartError) reject(error);
      else reject(new MultipartError(error instanceof Error ? error.message : String(error)));
    };
    const pendingFiles: Promise<void>[] = [];

    parser.on("field", (name, value) => {
      try {
        normalizeParams(params, name, value);
      } catch (error) {
        fail(error);
      }
    });
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      pendingFiles.push(
        new Promise<void>((done) => {
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", (error) => {
            fail(error);
            done();
          });
          stream.on("end", () => {
            const content = Buffer.concat(chunks);
            // Rack skips a file input left empty in a browser form (no file name, no content).
            if (!info.filename && content.byteLength === 0) return done();
            try {
              normalizeParams(
                params,
                name,
                makeUploadedFile({
                  content_base64: content.toString("base64"),
                  mime_type: info.mimeType || "application/octet-stream",
                  name: info.filename ?? "",
                  size: content.byteLength,
                }),
              );
            } catch (error) {
              fail(error);
            }
            done();
          });
        }),
      );
    });
    parser.on("error", fail);
    parser.on("partsLimit", () =>
      fail(new MultipartLimitError(`more than ${MULTIPART_LIMITS.parts} parts (fields and files)`)),
    );
    parser.on("filesLimit", () => fail(new MultipartLimitError(`more than ${MULTIPART_LIMITS.files} files`)));
    parser.on("close", () => {
      Promise.all(pendingFiles).then(() => {
        if (!failed) resolve(params);
      }, fail);
    });
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    for (let offset = 0; offset < bytes.byteLength && !failed; offset += FEED_BYTES) {
      parser.write(bytes.subarray(offset, offset + FEED_BYTES));
    }
    if (failed) parser.destroy();
    else parser.end();
  });
}
