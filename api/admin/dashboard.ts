import { dashboardEndpoint } from "../../lib/operations/dashboard.js";

export default dashboardEndpoint();
