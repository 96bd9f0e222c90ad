import { deadLettersEndpoint } from "../../lib/routes/deliveries.js";

export default deadLettersEndpoint();
