import { routing } from "../../lib/routes/admin.js";
import { served } from "../../lib/routes/route.js";

export default served(routing);
