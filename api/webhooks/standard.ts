import { webhook } from "../../lib/ingest/pipeline.js";
import { standard } from "../../lib/providers/standard.js";

export default webhook(standard);
