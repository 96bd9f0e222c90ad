import { webhook } from "../../lib/pipeline/ingest.js";
import { chatwoot } from "../../lib/providers/chatwoot.js";

export default webhook(chatwoot);
