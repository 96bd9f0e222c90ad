import { shopify } from "../../lib/providers/shopify.js";
import { served } from "../../lib/routes/route.js";
import { webhook } from "../../lib/routes/webhooks.js";

export default served(webhook(shopify));
