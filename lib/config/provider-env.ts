// The variables that hold each provider's secrets, by provider name. Declared here, in
// the config (which imports nothing above it), so the environment is parsed without
// loading a provider; each provider module names its variables from this table.
export const PROVIDER_ENV = {
  clickup: { secret: "CLICKUP_WEBHOOK_SECRET" },
  twilio: { secret: "TWILIO_AUTH_TOKEN" },
  // Chatwoot's old versions sign nothing: CHATWOOT_ALLOW_UNSIGNED lets them in, unverified.
  chatwoot: { secret: "CHATWOOT_WEBHOOK_SECRET", unsigned: "CHATWOOT_ALLOW_UNSIGNED" },
  stripe: { secret: "STRIPE_WEBHOOK_SECRET" },
  github: { secret: "GITHUB_WEBHOOK_SECRET" },
  slack: { secret: "SLACK_SIGNING_SECRET" },
  shopify: { secret: "SHOPIFY_WEBHOOK_SECRET" },
  // v1 (HMAC) secrets, and the `whpk_` public keys that verify v1a (ed25519) signatures.
  standard: { secret: "STANDARD_WEBHOOK_SECRET", publicKeys: "STANDARD_WEBHOOK_PUBLIC_KEYS" },
  linear: { secret: "LINEAR_WEBHOOK_SECRET" },
} as const satisfies Record<string, { secret: string; unsigned?: string; publicKeys?: string }>;

/** The table as rows: `{ name, secret, unsigned?, publicKeys? }`. */
export const providerEnvRows: readonly { name: string; secret: string; unsigned?: string; publicKeys?: string }[] =
  Object.entries(PROVIDER_ENV).map(([name, vars]) => ({ name, ...vars }));
