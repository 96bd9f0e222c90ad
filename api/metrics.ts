import { metricsEndpoint } from "../lib/operations/routes.js";

export default metricsEndpoint();
