import { webhook } from "../../lib/ingest/pipeline.js";
import { github } from "../../lib/providers/github.js";

export default webhook(github);
