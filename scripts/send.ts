// `npm run send -- <provider> <file>`: signs a sample payload with the configured
// secret, exactly as the provider would, and posts it to the running gateway.
import { existsSync, readFileSync } from "node:fs";
import { loadConfig } from "../lib/config/env.js";
import { providerNamed, providers } from "../lib/providers/catalog.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const [name, file] = process.argv.slice(2);
const provider = name ? providerNamed(name) : undefined;
if (!provider || !file) {
  console.error(`usage: npm run send -- <${providers.map((p) => p.name).join("|")}> <sample file>`);
  process.exit(2);
}
const config = loadConfig();
const secret = config.secrets[provider.name]?.[0];
if (!secret) {
  console.error(`${provider.secretEnv} is not set: set it to the same value the gateway runs with`);
  process.exit(2);
}

const base = config.env.HOOKGATE_URL ?? `http://localhost:${config.port}`;
const url = `${base.replace(/\/+$/, "")}/api/webhooks/${provider.name}`;
const body = readFileSync(file);
// The gateway checks URL signatures (Twilio) against PUBLIC_BASE_URL when it is set.
const signedUrl = config.publicBaseUrl
  ? `${config.publicBaseUrl.replace(/\/+$/, "")}/api/webhooks/${provider.name}`
  : url;
const headers = provider.sign({ body, secret, url: signedUrl, now: new Date() });

const response = await fetch(url, { method: "POST", headers, body });
console.log(`${response.status} ${response.statusText}`);
console.log(await response.text());
process.exit(response.ok ? 0 : 1);
