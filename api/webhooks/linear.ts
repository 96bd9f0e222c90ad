import { webhook } from "../../lib/ingest/pipeline.js";
import { linear } from "../../lib/providers/linear.js";

export default webhook(linear);
