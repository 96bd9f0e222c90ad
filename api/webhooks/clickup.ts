import { webhook } from "../../lib/pipeline/ingest.js";
import { clickup } from "../../lib/providers/clickup.js";

export default webhook(clickup);
