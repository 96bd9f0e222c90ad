import { eventEndpoint } from "../../lib/routes/admin.js";

export default eventEndpoint();
