// The client's IP, for rate limits and rejection records. On Vercel `x-real-ip` is set
// by the platform and `x-forwarded-for` is overwritten, so neither can be spoofed
// there. Self-hosted without a proxy that sets them, a client could claim any address:
// put hookgate behind one (README, Security).
// https://vercel.com/docs/headers/request-headers#x-forwarded-for

export const UNKNOWN_IP = "unknown";

/** IPv4 or IPv6 text (with an optional zone): anything else is not an address. */
const ADDRESS = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-f:.]{2,45}(?:%[\w.-]{1,16})?)$/i;

export function clientIp(headers: Headers): string {
  const real = headers.get("x-real-ip")?.trim();
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const candidate = real || forwarded;
  return candidate && ADDRESS.test(candidate) ? candidate.toLowerCase() : UNKNOWN_IP;
}
