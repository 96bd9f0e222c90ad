import { webhook } from "../../lib/pipeline/ingest.js";
import { github } from "../../lib/providers/github.js";

export default webhook(github);
