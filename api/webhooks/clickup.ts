import { webhook } from "../../lib/ingest/pipeline.js";
import { clickup } from "../../lib/providers/clickup.js";

export default webhook(clickup);
