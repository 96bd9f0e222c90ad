import { overviewEndpoint } from "../../lib/operations/admin.js";

export default overviewEndpoint();
