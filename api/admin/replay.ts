import { replayEndpoint } from "../../lib/delivery/operator.js";

export default replayEndpoint();
