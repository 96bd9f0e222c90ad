import { cleanupEndpoint } from "../../lib/routes/operations.js";

export default cleanupEndpoint();
