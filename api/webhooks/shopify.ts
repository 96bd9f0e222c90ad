import { webhook } from "../../lib/ingest/pipeline.js";
import { shopify } from "../../lib/providers/shopify.js";

export default webhook(shopify);
