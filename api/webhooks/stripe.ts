import { webhook } from "../../lib/pipeline/ingest.js";
import { stripe } from "../../lib/providers/stripe.js";

export default webhook(stripe);
