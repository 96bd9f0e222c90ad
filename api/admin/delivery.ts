import { deliveryEndpoint } from "../../lib/delivery/operator.js";

export default deliveryEndpoint();
