// GET /.well-known/jwks.json (the build links this function there beside /api/jwks, as
// /.well-known cannot be rewritten on Vercel: scripts/routes.ts): the public keys
// receivers verify `v1a` forwards with, as a JWKS (RFC 7517; Ed25519 keys as RFC 8037
// writes them). Public by design: it holds nothing secret.
//
// Read fresh from the keyring on every request, so a revoked key leaves it at once.
// Cache-Control lets a receiver (or a CDN in front of it) keep a copy for
// JWKS_MAX_AGE_SECONDS: rotation publishes a next key at least that long before it
// signs (`keys rotate` refuses sooner), and a retired key stays for days, so a copy
// that old is never missing a key in use. Longer would slow down revocation; a 503
// (store down) is never cached, and the receiver keeps the copy it has.
import { JWKS_MAX_AGE_SECONDS } from "../signing/keyring.js";
import { route } from "./route.js";

export const jwks = route({ route: "jwks", methods: ["GET", "HEAD"] }, async (gw) => {
  const set = await gw.keys.jwks();
  return Response.json(set, {
    headers: {
      "cache-control": `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
      // Any origin may read public keys (a browser-side verifier, a test page).
      "access-control-allow-origin": "*",
    },
  });
});
