import { webhook } from "../../lib/pipeline/ingest.js";
import { shopify } from "../../lib/providers/shopify.js";

export default webhook(shopify);
