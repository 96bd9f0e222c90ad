// A receiver that knows only the gateway's JWKS URL verifies its forwards, with jose
// (createRemoteJWKSet, importJWK) and with node:crypto alone. First against a real
// `npm start` (scripts/serve.ts) on the embedded store: the JWKS at
// /.well-known/jwks.json, keys made and rotated through the admin API and the CLI, a
// revoked key gone from the JWKS at once, tampering refused. Then a rotation followed
// through time on a clock the test moves, with a receiver that keeps its copy of the
// JWKS as long as Cache-Control lets it: no verification fails before, during or after.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import { serve, stop, type Served } from "../support/serve.js";
import { chatwoot } from "../../lib/providers/chatwoot.js";
import { jwks as jwksRoute } from "../../lib/routes/jwks.js";
import { forward } from "../../lib/routing/define.js";
import { JWKS_MAX_AGE_SECONDS } from "../../lib/signing/keyring.js";
import { endpointOf, testApp, type App } from "../support/app.js";
import { sample, signedRequest } from "../support/requests.js";
import { engine, manualClock, receiver as recordingReceiver, seedDue } from "../delivery/support.js";
import {
  bytes,
  ENCRYPTION_KEY,
  signedContent,
  v1aEntries,
  verifyWithJose,
  verifyWithNodeCrypto,
  type Jwk,
} from "./support.js";

const ADMIN_TOKEN = "signing-keys-admin-token-0123";
const CW_SECRET = "cw-signing-secret";

interface Verified {
  headers: IncomingHttpHeaders;
  body: Buffer;
  jose: boolean;
  nodeCrypto: boolean;
}

/** The agent service: verifies each forward with jose and with node:crypto, from the JWKS URL alone. */
async function jwksReceiver() {
  let jwksUrl = "";
  let remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  const verified: Verified[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        remote ??= createRemoteJWKSet(new URL(jwksUrl));
        const kid = String(req.headers["webhook-key-id"]);
        let jose = false;
        try {
          // jose resolves the key by kid (fetching and caching the JWKS), WebCrypto checks the signature.
          const key = await remote({ alg: "EdDSA", kid });
          for (const sig of v1aEntries(req.headers["webhook-signature"]))
            jose ||= await crypto.subtle.verify(
              { name: "Ed25519" },
              key,
              bytes(Buffer.from(sig, "base64")),
              signedContent(req.headers, body),
            );
        } catch {
          jose = false;
        }
        const set = (await (await fetch(jwksUrl)).json()) as { keys: Jwk[] };
        const nodeCrypto = verifyWithNodeCrypto(set, req.headers, body);
        verified.push({ headers: req.headers, body, jose, nodeCrypto });
        for (const w of waiters.filter((w) => verified.length >= w.count)) w.resolve();
        res.writeHead(jose && nodeCrypto ? 204 : 401).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent`,
    verified,
    /** Points it at the gateway's JWKS, with an empty cache (as when its copy has expired). */
    useJwks(url: string) {
      jwksUrl = url;
      remote = undefined;
    },
    seen: (count: number) =>
      verified.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("a receiver that knows only the JWKS URL of `npm start`", () => {
  let agent: Awaited<ReturnType<typeof jwksReceiver>>;
  let gateway: Served;
  beforeAll(async () => {
    agent = await jwksReceiver();
    gateway = await serve({
      HOOKGATE_DATA_DIR: "memory://",
      ADMIN_TOKEN,
      HOOKGATE_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY,
      CHATWOOT_WEBHOOK_SECRET: CW_SECRET,
      AGENT_SDK_URL: agent.url,
      AGENT_SDK_SIGNING: "asymmetric",
    });
    agent.useJwks(`${gateway.printed}/.well-known/jwks.json`);
  }, 60_000);
  afterAll(async () => {
    await stop(gateway);
    await agent?.close();
  });

  const admin = async (body: unknown) => {
    const response = await fetch(`${gateway.printed}/api/admin/key`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { key?: { kid: string }; message: string } };
  };
  const jwks = async () => {
    const response = await fetch(`${gateway.printed}/.well-known/jwks.json`);
    return { response, set: (await response.json()) as { keys: Jwk[] } };
  };
  let sent = 0;
  const sendEvent = async () => {
    const body = sample("chatwoot", "message_created.json").replace('"id": ', `"n": ${++sent}, "id": `);
    const response = await fetch(
      `${gateway.printed}/api/webhooks/chatwoot`,
      signedRequest(chatwoot, { secret: CW_SECRET, body }),
    );
    expect(response.status).toBe(200);
    await agent.seen(sent);
    return agent.verified[sent - 1]!;
  };

  it("serves the JWKS at /.well-known/jwks.json and /api/jwks, with cache headers for rotation", async () => {
    expect((await jwks()).set).toEqual({ keys: [] });
    const created = await admin({ action: "create" });
    expect(created.status).toBe(200);
    const { response, set } = await jwks();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe(`public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    expect(set.keys).toEqual([
      {
        kty: "OKP",
        crv: "Ed25519",
        x: expect.stringMatching(/^[\w-]{43}$/),
        kid: created.body.key!.kid,
        use: "sig",
        alg: "EdDSA",
      },
    ]);
    expect(await (await fetch(`${gateway.printed}/api/jwks`)).json()).toEqual(set);
  });

  it("verifies a forward with jose and with node:crypto, and refuses it tampered", async () => {
    const forwarded = await sendEvent();
    expect(forwarded).toMatchObject({ jose: true, nodeCrypto: true });
    // Asymmetric only: no v1 entry (the agent holds no secret).
    expect(String(forwarded.headers["webhook-signature"])).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const { set } = await jwks();
    const tampered = Buffer.from(forwarded.body);
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1;
    expect(verifyWithNodeCrypto(set, forwarded.headers, tampered)).toBe(false);
    expect(await verifyWithJose(set, forwarded.headers, tampered)).toBe(false);
    expect(await verifyWithJose(set, { ...forwarded.headers, "webhook-timestamp": "1" }, forwarded.body)).toBe(false);
  });

  it("rotates with every forward verified, through the CLI, and a revoked key leaves the JWKS at once", async () => {
    const lines: string[] = [];
    const io = {
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      env: { HOOKGATE_URL: gateway.printed, ADMIN_TOKEN },
    };
    expect(await main(["keys", "create", "--json"], io)).toBe(0);
    const next = (JSON.parse(lines.join("\n")) as { key: { kid: string; state: string } }).key;
    expect(next.state).toBe("next");
    // Published before it signs: the forward is still signed with the current key.
    agent.useJwks(`${gateway.printed}/.well-known/jwks.json`); // the receiver's copy expired meanwhile
    const before = await sendEvent();
    expect(before).toMatchObject({ jose: true, nodeCrypto: true });
    expect(before.headers["webhook-key-id"]).not.toBe(next.kid);

    // Too soon for receivers that cache the JWKS for its max-age; --force is for a compromise.
    lines.length = 0;
    expect(await main(["keys", "rotate"], io)).toBe(1);
    expect(lines.join("\n")).toMatch(/published less than 5 minutes ago/);
    lines.length = 0;
    expect(await main(["keys", "rotate", "--force", "--json"], io)).toBe(0);
    const rotated = JSON.parse(lines.join("\n")) as { current: string; retired: string };
    expect(rotated.current).toBe(next.kid);

    // The next forward signs with the new key, and the receiver's copy already holds it.
    const after = await sendEvent();
    expect(after).toMatchObject({ jose: true, nodeCrypto: true });
    expect(after.headers["webhook-key-id"]).toBe(next.kid);
    expect((await jwks()).set.keys.map((k) => k.kid).sort()).toEqual([rotated.current, rotated.retired].sort());

    lines.length = 0;
    expect(await main(["keys", "revoke", rotated.retired, "--json"], io)).toBe(0);
    expect((await jwks()).set.keys.map((k) => k.kid)).toEqual([next.kid]);
    lines.length = 0;
    expect(await main(["keys", "list", "--json"], io)).toBe(0);
    const listed = JSON.parse(lines.join("\n")) as { keys: { kid: string; state: string; published: boolean }[] };
    expect(Object.fromEntries(listed.keys.map((k) => [k.kid, [k.state, k.published]]))).toEqual({
      [next.kid]: ["current", true],
      [rotated.retired]: ["revoked", false],
    });
    expect(JSON.stringify(listed)).not.toMatch(/"d"|private/);
    expect(agent.verified.every((v) => v.jose && v.nodeCrypto)).toBe(true);
  });
});

describe("a rotation followed through time", () => {
  const apps: App[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));

  it("never fails a receiver that keeps its JWKS copy for the max-age: before, during and after", async () => {
    // Ahead of the database's own clock by more than the app takes to open: what the
    // store records at its now() is due at once on this clock.
    const clock = manualClock(new Date(Date.now() + 60_000));
    const agent = await recordingReceiver();
    const gateway = await testApp(
      { HOOKGATE_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY, HOOKGATE_SIGNING_KEY_GRACE_DAYS: "7" },
      {
        clock: () => clock.now().getTime(),
        routes: {
          destinations: { agent: forward({ url: agent.url, signing: "asymmetric" }) },
          routes: [{ provider: "clickup", to: ["agent"] }],
        },
      },
    );
    apps.push(gateway);
    const jwksEndpoint = endpointOf(jwksRoute, gateway);
    // The receiver: a copy of the JWKS, fetched again once Cache-Control's max-age has passed.
    let copy: { set: { keys: Jwk[] }; until: number } | undefined;
    const failures: string[] = [];
    const receive = async () => {
      if (!copy || copy.until <= clock.now().getTime()) {
        const response = await jwksEndpoint.fetch(new Request("https://gw.example/.well-known/jwks.json"));
        const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get("cache-control") ?? "")![1]);
        copy = { set: (await response.json()) as { keys: Jwk[] }, until: clock.now().getTime() + maxAge * 1000 };
      }
      const request = agent.requests.at(-1)!;
      const ok =
        verifyWithNodeCrypto(copy.set, request.headers, request.body) &&
        (await verifyWithJose(copy.set, request.headers, request.body));
      if (!ok) failures.push(String(request.headers["webhook-key-id"]));
      return String(request.headers["webhook-key-id"]);
    };
    const deliverOne = async () => {
      const count = agent.requests.length;
      await seedDue(gateway.store, ["agent"], 1);
      await engine(gateway, { clock: clock.now }).drain();
      await agent.seen(count + 1);
      return receive();
    };
    const minute = 60_000;

    const first = (await gateway.keys.create()).key.kid;
    expect(await deliverOne()).toBe(first); // before
    clock.advance(minute);
    const second = (await gateway.keys.create()).key.kid;
    expect(await deliverOne()).toBe(first); // the next key is published, not signing
    await expect(gateway.keys.rotate()).rejects.toThrow(/less than 5 minutes/);
    clock.advance(JWKS_MAX_AGE_SECONDS * 1000);
    expect(await deliverOne()).toBe(first);
    await gateway.keys.rotate();
    expect(await deliverOne()).toBe(second); // during: the receiver's copy, not yet expired, holds it
    clock.advance(JWKS_MAX_AGE_SECONDS * 1000);
    expect(await deliverOne()).toBe(second);
    clock.advance(8 * 24 * 60 * minute); // after the grace period the retired key is gone
    expect(await deliverOne()).toBe(second);
    expect(copy!.set.keys.map((k) => k.kid)).toEqual([second]);
    expect(failures).toEqual([]);
    await agent.close();
  });
});
