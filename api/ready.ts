import { readiness } from "../lib/routes/ready.js";

export default readiness();
