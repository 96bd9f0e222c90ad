// The sample each provider's whole-function test and benchmark sends (samples/<provider>/).
export const SAMPLE_FOR: Readonly<Record<string, string>> = {
  clickup: "taskCreated.json",
  twilio: "inbound-sms.txt",
  chatwoot: "message_created.json",
  stripe: "payment_intent.succeeded.json",
  github: "issues-opened.json",
  slack: "event_callback.json",
  shopify: "orders-create.json",
  standard: "invoice.paid.json",
  linear: "issue-create.json",
};
