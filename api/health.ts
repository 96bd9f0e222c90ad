// Liveness: answers without touching any dependency.
import { endpoint } from "../lib/http/endpoint.js";

export default endpoint("health", ["GET", "HEAD"], async () => Response.json({ ok: true }));
