// Reads the raw request bytes, refusing anything over the limit before buffering it.
//
// A body that cannot be read (the client closed the connection mid-body, or sent broken
// chunked encoding) is the client's failure: a 400 `body_unreadable`, counted and logged
// at debug, never an unexpected error for Sentry (the drill found 375 of 417 error
// lines were just that). Reading a request's own bytes fails for no other reason.
import { Rejection } from "./errors.js";
import { increment } from "../observability/counters.js";
import { errorFields, log } from "../observability/log.js";

export async function readBody(request: Request, limitBytes: number): Promise<Uint8Array> {
  try {
    return await read(request, limitBytes);
  } catch (error) {
    if (error instanceof Rejection) throw error;
    increment("hookgate_client_body_errors_total");
    log.debug("request body unreadable", errorFields(error));
    throw new Rejection(
      "bad_request",
      "the request body could not be read (closed early or malformed)",
      {},
      "body_unreadable",
    );
  }
}

async function read(request: Request, limitBytes: number): Promise<Uint8Array> {
  const length = request.headers.get("content-length");
  if (length !== null) {
    // Declared (what providers send): refuse before reading, else read in one go.
    if (Number(length) > limitBytes) throw tooLarge(limitBytes);
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > limitBytes) throw tooLarge(limitBytes);
    return body;
  }
  // Chunked: count while reading, and stop at the limit.
  if (!request.body) return new Uint8Array(0);

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function tooLarge(limitBytes: number): Rejection {
  return new Rejection("payload_too_large", `body over ${limitBytes} bytes`, {}, "too_large");
}
