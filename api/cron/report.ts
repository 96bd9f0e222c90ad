import { reportEndpoint } from "../../lib/operations/routes.js";

export default reportEndpoint();
