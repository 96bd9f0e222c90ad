// The client's IP, for rate limits and rejection records. On Vercel `x-real-ip` is set
// by the platform and `x-forwarded-for` is overwritten, so neither can be spoofed
// there. Self-hosted without a proxy that sets them, a client could claim any address:
// put hookgate behind one (README, Security).
// https://vercel.com/docs/headers/request-headers#x-forwarded-for

export const UNKNOWN_IP = "unknown";

export function clientIp(headers: Headers): string {
  const real = headers.get("x-real-ip")?.trim();
  if (real) return real.slice(0, 64);
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded ? forwarded.slice(0, 64) : UNKNOWN_IP;
}
