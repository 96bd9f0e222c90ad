import { deliveryEndpoint } from "../../lib/routes/deliveries.js";

export default deliveryEndpoint();
