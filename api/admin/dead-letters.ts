import { deadLettersEndpoint } from "../../lib/delivery/operator.js";

export default deadLettersEndpoint();
