// The admin API of the WhatsApp onboarding's users (ADMIN_TOKEN): the list, one user
// with `verified` and the state of their code (never the code), and their preferences.
// An opt-out set here publishes user.opted_out in the same transaction, as a STOP does.
import { E164 } from "../config/e164.js";
import * as z from "../config/zod.js";
import { Rejection } from "../http/errors.js";
import { limitParam } from "../http/params.js";
import { preferenceUpdate, PREFERENCE_RULES } from "../destinations/whatsapp/preferences.js";
import { followUps, outboxItem, userEventPayload } from "../destinations/whatsapp/outbox.js";
import { route } from "./route.js";

const userId = z.uuid({ error: "must be a user id (a UUID)" });
const phone = z.string().check(z.regex(E164, "must be an E.164 number (+ and digits)"));

/** GET /api/admin/users?limit= | ?id= | ?phone= : users newest first, or one. */
export const users = route(
  {
    route: "admin/users",
    methods: ["GET"],
    auth: "ADMIN_TOKEN",
    query: z
      .strictObject({ id: z.optional(userId), phone: z.optional(phone), limit: z.optional(limitParam(500)) })
      .check(z.refine((q) => q.id === undefined || q.phone === undefined, { message: "give id or phone, not both" })),
  },
  async (gw, { query }) => {
    if (query.id !== undefined || query.phone !== undefined) {
      const user = await gw.store.whatsapp.get({ id: query.id, phone: query.phone });
      if (!user) throw new Rejection("not_found", "no such user");
      return Response.json(user);
    }
    return Response.json({ users: await gw.store.whatsapp.list({ limit: query.limit ?? 50 }) });
  },
);

/** POST /api/admin/user-preferences {id, preferences?: {language?, channel?}, opted_out?} */
export const userPreferences = route(
  {
    route: "admin/user-preferences",
    methods: ["POST"],
    auth: "ADMIN_TOKEN",
    body: z.strictObject({
      id: userId,
      preferences: z.optional(PREFERENCE_RULES),
      opted_out: z.optional(z.boolean()),
    }),
  },
  async (gw, { body, context }) => {
    const before = await gw.store.whatsapp.get({ id: body.id });
    if (!before) throw new Rejection("not_found", "no such user");
    const now = new Date();
    const preferences = preferenceUpdate(body.preferences ?? {});
    // Recorded only if this call is what opts them out (the store checks, in the same transaction).
    const merged: Record<string, string> = { ...before.preferences };
    for (const [key, value] of Object.entries(preferences)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    const optedOut = { ...before, preferences: merged, opted_out_at: now.toISOString() };
    const event = outboxItem(
      gw.routing.route,
      "user.opted_out",
      `user.opted_out:${before.id}:admin:${now.toISOString()}`,
      userEventPayload("user.opted_out", optedOut, now),
    );
    const items = body.opted_out ? [event] : [];
    const set = await gw.store.whatsapp.setPreferences({
      userId: body.id,
      preferences,
      optedOut: body.opted_out ?? null,
      optedOutEvents: items,
      now,
    });
    if (!set) throw new Rejection("not_found", "no such user");
    // The event's deliveries leave after the answer, as a webhook's do (leased for this attempt).
    const published = followUps(items, set.published, now);
    if (published.length > 0) {
      context.after("deliver", async () => {
        const engine = await gw.engine();
        for (const { event, deliveries } of published) await engine.deliverNow(event, deliveries);
      });
    }
    return Response.json(set.user);
  },
);
