// Every provider hookgate knows, by route name. Adding one: a module beside this
// file, a line here, and a one-line api/webhooks/<name>.ts.
import { chatwoot } from "./chatwoot.js";
import { clickup } from "./clickup.js";
import { github } from "./github.js";
import { linear } from "./linear.js";
import { shopify } from "./shopify.js";
import { slack } from "./slack.js";
import { standard } from "./standard.js";
import { stripe } from "./stripe.js";
import { twilio } from "./twilio.js";
import type { Provider } from "./types.js";

export const providers: readonly Provider[] = [
  clickup,
  twilio,
  chatwoot,
  stripe,
  github,
  slack,
  shopify,
  standard,
  linear,
];

export function providerNamed(name: string): Provider | undefined {
  return providers.find((p) => p.name === name);
}
