import { cronReport } from "../../lib/routes/operations.js";
import { served } from "../../lib/routes/route.js";

export default served(cronReport);
