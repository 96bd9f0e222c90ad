// Readiness: checks the store and KV, and says which transports and providers are
// configured (names only, never a secret), and how the signing keys stand: how many
// are published, the current kid and its age, and a warning when there is none while a
// forward signs asymmetrically, or the current one is past its rotation period. A
// warning leaves `ready` as it is: forwards still go out, and are retried meanwhile.
import type { App } from "../app.js";
import { errorFields } from "../observability/log.js";
import { providers } from "../providers/catalog.js";
import { route } from "./route.js";

export const ready = route({ route: "ready", methods: ["GET", "HEAD"] }, async (gw) => {
  const [store, kv, keys] = await Promise.all([
    check(() => gw.store.ping()),
    check(() => gw.kv.ping()),
    signingKeys(gw),
  ]);
  const ready = store.ok && kv.ok;
  return Response.json(
    {
      ready,
      store: { transport: gw.store.transport, ...store },
      kv: { transport: gw.kv.transport, ...kv },
      providers: Object.fromEntries(providers.map((p) => [p.name, providerState(gw, p.name)])),
      signing_keys: keys,
    },
    { status: ready ? 200 : 503 },
  );
});

async function signingKeys(gw: App): Promise<Record<string, unknown>> {
  const needed = [...gw.routing.destinations.values()].some((d) => d.signing === "asymmetric" || d.signing === "both");
  try {
    return { ...(await gw.keys.health(needed)), needed };
  } catch (error) {
    return { needed, error: String(errorFields(error).error_message ?? errorFields(error).error) };
  }
}

function providerState(gw: App, name: string): string {
  if ((gw.config.secrets[name]?.length ?? 0) > 0) return "configured";
  return gw.config.allowUnsigned[name] ? "configured (unsigned allowed)" : "not configured";
}

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String(errorFields(error).error_message ?? errorFields(error).error) };
  }
}
