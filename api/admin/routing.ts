import { routingEndpoint } from "../../lib/routes/admin.js";

export default routingEndpoint();
