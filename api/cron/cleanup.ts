import { cleanupEndpoint } from "../../lib/operations/routes.js";

export default cleanupEndpoint();
