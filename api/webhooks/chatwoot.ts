import { chatwoot } from "../../lib/providers/chatwoot.js";
import { served } from "../../lib/routes/route.js";
import { webhook } from "../../lib/routes/webhooks.js";

export default served(webhook(chatwoot));
