import { cronDeliver } from "../../lib/routes/deliveries.js";

export default cronDeliver();
