import { slack } from "../../lib/providers/slack.js";
import { served } from "../../lib/routes/route.js";
import { webhook } from "../../lib/routes/webhooks.js";

export default served(webhook(slack));
