import { metricsEndpoint } from "../lib/routes/operations.js";

export default metricsEndpoint();
