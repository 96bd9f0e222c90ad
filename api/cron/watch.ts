import { watchEndpoint } from "../../lib/operations/routes.js";

export default watchEndpoint();
