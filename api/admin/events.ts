import { eventsEndpoint } from "../../lib/routes/admin.js";

export default eventsEndpoint();
