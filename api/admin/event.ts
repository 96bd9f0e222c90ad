import { eventEndpoint } from "../../lib/operations/admin.js";

export default eventEndpoint();
