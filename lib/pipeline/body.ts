// Reads the raw request bytes, refusing anything over the limit before buffering it.
import { Rejection } from "../http/errors.js";

export async function readBody(request: Request, limitBytes: number): Promise<Uint8Array> {
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
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function tooLarge(limitBytes: number): Rejection {
  return new Rejection("payload_too_large", `body over ${limitBytes} bytes`, {}, "too_large");
}
