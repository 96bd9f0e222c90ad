import { github } from "../../lib/providers/github.js";
import { served } from "../../lib/routes/route.js";
import { webhook } from "../../lib/routes/webhooks.js";

export default served(webhook(github));
