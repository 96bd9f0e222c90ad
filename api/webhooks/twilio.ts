import { webhook } from "../../lib/pipeline/ingest.js";
import { twilio } from "../../lib/providers/twilio.js";

export default webhook(twilio);
