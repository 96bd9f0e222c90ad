import { overviewEndpoint } from "../../lib/routes/admin.js";

export default overviewEndpoint();
