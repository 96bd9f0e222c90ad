import { health } from "../lib/routes/health.js";
import { served } from "../lib/routes/route.js";

export default served(health);
