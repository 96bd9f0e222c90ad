import { eventsEndpoint } from "../../lib/operations/admin.js";

export default eventsEndpoint();
