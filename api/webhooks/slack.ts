import { webhook } from "../../lib/ingest/pipeline.js";
import { slack } from "../../lib/providers/slack.js";

export default webhook(slack);
