// GET /api/health, liveness: answers without touching any dependency (it never opens the app).
import { openingRoute } from "./route.js";

export const health = openingRoute({ route: "health", methods: ["GET", "HEAD"] }, async () =>
  Response.json({ ok: true }),
);
