import { webhook } from "../../lib/pipeline/ingest.js";
import { standard } from "../../lib/providers/standard.js";

export default webhook(standard);
