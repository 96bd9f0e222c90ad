// The signing keys in the store, on PGlite and (with DATABASE_URL) real PostgreSQL: the
// states next, current, retired and revoked; rotation that publishes a key before it
// signs; the grace period of a retired key; revocation that leaves the JWKS at once;
// private keys encrypted at rest; and the stateless list of HOOKGATE_SIGNING_KEYS.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lib/config/env.js";
import { signingKeyring } from "../../lib/signing/keyring-source.js";
import { CURRENT_KEY_TTL_MS } from "../../lib/signing/keyring-store.js";
import { JWKS_MAX_AGE_SECONDS } from "../../lib/signing/keyring.js";
import type { Store } from "../../lib/store/store.js";
import { STORES } from "../support/stores.js";
import { clock, ENCRYPTION_KEY, keyringOn, openKeyStore } from "./support.js";

const DAY = 86_400_000;

describe.each(STORES)("signing keys on $name", ({ name, skip }) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (skip) return;
    ({ store, close } = await openKeyStore(name));
  });
  afterAll(() => close?.());

  it.skipIf(skip)(
    "publishes a next key before it signs, and rotates to it only once receivers can have it",
    async () => {
      const time = clock();
      const keys = keyringOn(store, time.now);
      expect(await keys.current()).toBeNull();

      const first = await keys.create();
      expect(first.key).toMatchObject({ state: "current", published: true });
      expect((await keys.current())!.kid).toBe(first.key.kid);

      time.advance(60_000);
      const second = await keys.create();
      expect(second.key).toMatchObject({ state: "next", published: true });
      expect((await keys.jwks()).keys.map((k) => k.kid).sort()).toEqual([first.key.kid, second.key.kid].sort());
      // Published, but the current key still signs.
      expect((await keys.current())!.kid).toBe(first.key.kid);
      await expect(keys.create()).rejects.toThrow(`key ${second.key.kid} is already next`);

      // Not before the JWKS cache age: a receiver's copy may not hold it yet.
      await expect(keys.rotate()).rejects.toThrow(/published less than 5 minutes ago/);
      time.advance(JWKS_MAX_AGE_SECONDS * 1000);
      const rotated = await keys.rotate();
      expect(rotated).toMatchObject({ current: second.key.kid, retired: first.key.kid });
      // This keyring dropped its cache: the next forward signs with the new key.
      expect((await keys.current())!.kid).toBe(second.key.kid);
      await expect(keys.rotate()).rejects.toThrow("no next key");

      const states = Object.fromEntries((await keys.list()).map((k) => [k.kid, k.state]));
      expect(states).toEqual({ [first.key.kid]: "retired", [second.key.kid]: "current" });
    },
  );

  it.skipIf(skip)(
    "keeps a retired key published for the grace period; a revoked key leaves the JWKS at once",
    async () => {
      const time = clock(Date.parse("2027-01-01T00:00:00Z"));
      const keys = keyringOn(store, time.now, { HOOKGATE_SIGNING_KEY_GRACE_DAYS: "7" });
      const next = await keys.create();
      time.advance(JWKS_MAX_AGE_SECONDS * 1000);
      const { retired } = await keys.rotate();
      expect(retired).not.toBeNull();
      const published = async () => (await keys.jwks()).keys.map((k) => k.kid);

      time.advance(7 * DAY - 1000);
      expect(await published()).toContain(retired);
      time.advance(2000);
      expect(await published()).not.toContain(retired);
      expect((await keys.list()).find((k) => k.kid === retired)).toMatchObject({ state: "retired", published: false });

      await keys.revoke(next.key.kid);
      expect(await published()).not.toContain(next.key.kid);
      expect(await keys.current()).toBeNull();
      await expect(keys.revoke(next.key.kid)).rejects.toThrow("revoked already");
      await expect(keys.retire("no-such-key-0")).rejects.toThrow("no signing key no-such-key-0");
    },
  );

  it.skipIf(skip)("lets another instance pick up a rotation within its cache's time to live", async () => {
    const time = clock(Date.parse("2027-03-01T00:00:00Z"));
    const here = keyringOn(store, time.now);
    const there = keyringOn(store, time.now);
    if (!(await here.current())) await here.create();
    const next = await here.create();
    time.advance(JWKS_MAX_AGE_SECONDS * 1000);
    const before = (await there.current())!.kid;
    await here.rotate();
    expect((await here.current())!.kid).toBe(next.key.kid);
    // The other instance signs with the key just retired (still published) until its cache expires.
    expect((await there.current())!.kid).toBe(before);
    expect((await there.jwks()).keys.map((k) => k.kid)).toContain(before);
    time.advance(CURRENT_KEY_TTL_MS);
    expect((await there.current())!.kid).toBe(next.key.kid);
  });

  it.skipIf(skip)("does not cache a key it read before a rotation that finished first", async () => {
    const time = clock(Date.parse("2027-04-01T00:00:00Z"));
    // A read begun while `hold` is set waits for it after reading the keys.
    let hold: Promise<void> | undefined;
    const slow = {
      ...store.signingKeys,
      list: async () => {
        const wait = hold;
        const rows = await store.signingKeys.list();
        await wait;
        return rows;
      },
    };
    const keys = signingKeyring({
      env: loadConfig({ HOOKGATE_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY }).env,
      store: slow,
      clock: time.now,
    });
    if (!(await keys.current())) await keys.create();
    const next = await keys.create();
    time.advance(JWKS_MAX_AGE_SECONDS * 1000 + CURRENT_KEY_TTL_MS);

    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const before = keys.current(); // reads the key about to be retired, then waits
    hold = undefined;
    await keys.rotate();
    release();
    expect((await before)!.kid).not.toBe(next.key.kid);
    expect((await keys.current())!.kid).toBe(next.key.kid);
  });

  it.skipIf(skip)("stores private keys encrypted, readable only with HOOKGATE_KEY_ENCRYPTION_KEY", async () => {
    const time = clock(Date.parse("2027-06-01T00:00:00Z"));
    const keys = keyringOn(store, time.now);
    const [row] = (await store.signingKeys.list()).filter((k) => k.state === "current");
    expect(row!.private_key).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const d = (await keys.current())!.key.export({ format: "jwk" }).d!;
    expect(row!.private_key).not.toContain(d);
    expect(JSON.stringify(await keys.list())).not.toContain(row!.private_key);

    const wrong = keyringOn(store, time.now, { HOOKGATE_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64") });
    await expect(wrong.current()).rejects.toThrow("HOOKGATE_KEY_ENCRYPTION_KEY is not the key it was stored with");
    const none = signingKeyring({ env: loadConfig({}).env, store: store.signingKeys });
    await expect(none.create()).rejects.toThrow(ConfigError);
    await expect(none.current()).rejects.toThrow("HOOKGATE_KEY_ENCRYPTION_KEY is not set");
    // The public half needs no secret.
    expect((await none.jwks()).keys.length).toBeGreaterThan(0);
  });
});

describe("stateless keys: HOOKGATE_SIGNING_KEYS", () => {
  const jwkOf = () => generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }) as Record<string, string>;
  const keyring = (list: unknown) =>
    signingKeyring({
      env: loadConfig({ HOOKGATE_SIGNING_KEYS: JSON.stringify(list) }).env,
      store: undefined as never,
    });

  it("publishes every listed key and signs with the current one (the first, without states)", async () => {
    const [a, b] = [jwkOf(), { ...jwkOf(), kid: "second-key" }];
    const keys = keyring([a, b]);
    const jwks = await keys.jwks();
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys[0]).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: a.x,
      kid: expect.any(String),
      use: "sig",
      alg: "EdDSA",
    });
    expect((await keys.current())!.kid).toBe(jwks.keys[0]!.kid);
    expect((await keys.list()).map((k) => k.state)).toEqual(["current", "retired"]);

    const swapped = keyring([
      { ...a, state: "retired" },
      { ...b, state: "current" },
    ]);
    expect((await swapped.current())!.kid).toBe("second-key");
    await expect(swapped.rotate()).rejects.toThrow("HOOKGATE_SIGNING_KEYS");
  });

  it("refuses a d that is not x's private key, and a list beside HOOKGATE_KEY_ENCRYPTION_KEY", () => {
    expect(() => keyring([{ ...jwkOf(), x: jwkOf().x }])).toThrow("d is not the private key of x");
    expect(() =>
      keyring([
        { ...jwkOf(), state: "current" },
        { ...jwkOf(), state: "current" },
      ]),
    ).toThrow("at most one key may be current");
    expect(() =>
      loadConfig({ HOOKGATE_SIGNING_KEYS: JSON.stringify([jwkOf()]), HOOKGATE_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY }),
    ).toThrow("are alternatives");
    expect(() => loadConfig({ HOOKGATE_SIGNING_KEYS: "not json" })).toThrow("HOOKGATE_SIGNING_KEYS");
    expect(() => loadConfig({ HOOKGATE_SIGNING_KEYS: JSON.stringify([{ kty: "RSA" }]) })).toThrow('kty must be "OKP"');
  });
});
