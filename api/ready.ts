import { readiness } from "../lib/pipeline/ready.js";

export default readiness();
