import { webhook } from "../../lib/pipeline/ingest.js";
import { linear } from "../../lib/providers/linear.js";

export default webhook(linear);
