import { cronDeliver } from "../../lib/delivery/operator.js";

export default cronDeliver();
