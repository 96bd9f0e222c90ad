import { dashboardEndpoint } from "../../lib/routes/dashboard.js";

export default dashboardEndpoint();
