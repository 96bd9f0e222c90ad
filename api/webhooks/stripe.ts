import { webhook } from "../../lib/ingest/pipeline.js";
import { stripe } from "../../lib/providers/stripe.js";

export default webhook(stripe);
