import { webhook } from "../../lib/ingest/pipeline.js";
import { twilio } from "../../lib/providers/twilio.js";

export default webhook(twilio);
