import { webhook } from "../../lib/pipeline/ingest.js";
import { slack } from "../../lib/providers/slack.js";

export default webhook(slack);
