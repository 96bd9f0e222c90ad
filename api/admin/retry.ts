import { retry } from "../../lib/routes/deliveries.js";
import { served } from "../../lib/routes/route.js";

export default served(retry);
