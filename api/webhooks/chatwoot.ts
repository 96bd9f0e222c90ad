import { webhook } from "../../lib/ingest/pipeline.js";
import { chatwoot } from "../../lib/providers/chatwoot.js";

export default webhook(chatwoot);
