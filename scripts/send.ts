// `npm run send -- <provider> <file>`: signs a sample payload with the configured
// secret, exactly as the provider would, and posts it to the running gateway.
import { existsSync, readFileSync } from "node:fs";
import { networkCause } from "../lib/cli/admin-client.js";
import { runningServer } from "../lib/cli/local-server.js";
import { ConfigError, loadConfig, type Config } from "../lib/config/env.js";
import { providerNamed, providers } from "../lib/providers/catalog.js";

if (existsSync(".env")) process.loadEnvFile(".env");

/** One line naming the cause and the fix; the stack only at LOG_LEVEL=debug. */
function fail(message: string, error?: unknown, code = 1): never {
  console.error(`send: ${message}`);
  if (process.env.LOG_LEVEL === "debug" && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(code);
}

const [name, file] = process.argv.slice(2);
const provider = name ? providerNamed(name) : undefined;
if (!provider || !file) {
  console.error(`usage: npm run send -- <${providers.map((p) => p.name).join("|")}> <sample file>`);
  process.exit(2);
}
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`${error.message} (fix it in .env or the environment)`, error, 2);
  throw error;
}
const secret = config.secrets[provider.name]?.[0];
if (!secret) {
  console.error(`${provider.secretEnv} is not set: set it to the same value the gateway runs with`);
  process.exit(2);
}

// HOOKGATE_URL, else the `npm start` registered in the data directory (it may have taken any port), else PORT.
const base =
  config.env.HOOKGATE_URL ?? runningServer(config.env.HOOKGATE_DATA_DIR)?.url ?? `http://localhost:${config.port}`;
const url = `${base.replace(/\/+$/, "")}/api/webhooks/${provider.name}`;
const body = readSample(file);
function readSample(path: string) {
  try {
    return readFileSync(path);
  } catch (error) {
    fail(
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a sample file, e.g. samples/${provider!.name}/`,
      error,
      2,
    );
  }
}
// The gateway checks URL signatures (Twilio) against PUBLIC_BASE_URL when it is set.
const signedUrl = config.publicBaseUrl
  ? `${config.publicBaseUrl.replace(/\/+$/, "")}/api/webhooks/${provider.name}`
  : url;
const headers = provider.sign({ body, secret, url: signedUrl, now: new Date() });

const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) }).catch(
  (error: unknown) =>
    fail(
      `cannot reach ${url} (${networkCause(error)}): start the gateway with \`npm start\`, or set HOOKGATE_URL to where it runs`,
      error,
    ),
);
console.log(`${response.status} ${response.statusText}`);
console.log(await response.text());
process.exit(response.ok ? 0 : 1);
