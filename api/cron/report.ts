import { reportEndpoint } from "../../lib/routes/operations.js";

export default reportEndpoint();
