import { dashboard } from "../../lib/routes/dashboard.js";
import { served } from "../../lib/routes/route.js";

export default served(dashboard);
