import { routingEndpoint } from "../../lib/operations/admin.js";

export default routingEndpoint();
