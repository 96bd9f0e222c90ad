// The client's IP, for rate limits, rejection records and security alerts. A header
// names the client only where something the operator trusts wrote it; any other value
// is the client's own claim and would let it pose as anyone (HOOKGATE_TRUST_PROXY):
//   auto (default)   Vercel's headers on Vercel, none elsewhere
//   vercel           x-vercel-forwarded-for, else x-real-ip: both written by Vercel's
//                    edge, which overwrites what the client sent
//                    https://vercel.com/docs/headers/request-headers
//   none             no header: every request has no IP (only per-source limits apply)
//   <header name>    the header your proxy sets (x-real-ip, cf-connecting-ip, ...);
//                    for x-forwarded-for its LAST entry, the one your proxy appended
//                    (the ones before it are whatever the client sent)

export const UNKNOWN_IP = "unknown";

export type ClientIp = (headers: Headers) => string;

/** IPv4 or IPv6 text (with an optional zone): anything else is not an address. */
const ADDRESS = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-f:.]{2,45}(?:%[\w.-]{1,16})?)$/i;

const address = (candidate: string | undefined): string | undefined =>
  candidate && ADDRESS.test(candidate) ? candidate.toLowerCase() : undefined;

const first = (value: string | null) => value?.split(",")[0]?.trim();
const last = (value: string | null) => value?.split(",").at(-1)?.trim();

/** How this deployment reads the client IP, from HOOKGATE_TRUST_PROXY and whether it runs on Vercel. */
export function clientIpReader(env: { HOOKGATE_TRUST_PROXY: string; VERCEL?: string }): ClientIp {
  const trust = env.HOOKGATE_TRUST_PROXY === "auto" ? (env.VERCEL ? "vercel" : "none") : env.HOOKGATE_TRUST_PROXY;
  switch (trust) {
    case "none":
      return () => UNKNOWN_IP;
    case "vercel":
      return (headers) =>
        address(first(headers.get("x-vercel-forwarded-for"))) ??
        address(headers.get("x-real-ip")?.trim()) ??
        UNKNOWN_IP;
    case "x-forwarded-for":
      return (headers) => address(last(headers.get("x-forwarded-for"))) ?? UNKNOWN_IP;
    default:
      return (headers) => address(headers.get(trust)?.trim()) ?? UNKNOWN_IP;
  }
}
