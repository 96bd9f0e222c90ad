import { replayEndpoint } from "../../lib/routes/deliveries.js";

export default replayEndpoint();
