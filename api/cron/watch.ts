import { watchEndpoint } from "../../lib/routes/operations.js";

export default watchEndpoint();
