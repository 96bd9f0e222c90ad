// The admin API of the signing keys (ADMIN_TOKEN), which `npx hookgate keys` calls:
//   GET  /api/admin/keys                          every key, its state, whether it is published
//   POST /api/admin/key {action: "create"}         a new key (current if it is the first, else next)
//   POST /api/admin/key {action: "rotate", force?} next → current, current → retired
//   POST /api/admin/key {action: "retire" | "revoke", kid}
// (two paths, as events/event: one function serves one route value and its methods).
// A private key never leaves the store through here.
import * as z from "../config/zod.js";
import { ConfigError } from "../config/error.js";
import { Rejection } from "../http/errors.js";
import { KeyringRefusal } from "../signing/keyring.js";
import { route } from "./route.js";

const kid = z.string({ error: "must be a key id" }).check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, "must be a key id"));

export const keysRequest = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("create") }),
    z.strictObject({ action: z.literal("rotate"), force: z.optional(z.boolean({ error: "must be true or false" })) }),
    z.strictObject({ action: z.literal("retire"), kid }),
    z.strictObject({ action: z.literal("revoke"), kid }),
  ],
  { error: "action must be create, rotate, retire or revoke" },
);

export const keysList = route(
  { route: "admin/keys", methods: ["GET"], auth: "ADMIN_TOKEN", query: z.strictObject({}) },
  async (gw) => Response.json({ source: gw.keys.source, keys: await gw.keys.list() }),
);

export const keysChange = route(
  { route: "admin/key", methods: ["POST"], auth: "ADMIN_TOKEN", body: keysRequest },
  async (gw, { body, context }) => {
    context.note({ outcome: body.action });
    try {
      switch (body.action) {
        case "create":
          return Response.json(await gw.keys.create());
        case "rotate":
          return Response.json(await gw.keys.rotate({ force: body.force }));
        case "retire":
          return Response.json(await gw.keys.retire(body.kid));
        case "revoke":
          return Response.json(await gw.keys.revoke(body.kid));
      }
    } catch (error) {
      if (error instanceof KeyringRefusal)
        throw new Rejection(error.reason === "not_found" ? "not_found" : "bad_request", error.message);
      // A missing HOOKGATE_KEY_ENCRYPTION_KEY is the operator's to set, not a fault to report.
      if (error instanceof ConfigError) throw new Rejection("not_configured", error.message);
      throw error;
    }
  },
);
