// Which events go where. Edit this file to route events: name destinations (HTTP
// forwards or built-in actions), then list routes from provider + event types
// (+ an optional payload predicate) to destination names. hookgate checks it at start
// and refuses to run with a message naming the problem. See README, "Routes, delivery
// and dead letters".
import { clickupRoutingEnabled, clickupTicketRouter, isRoutedTicket } from "./lib/destinations/clickup/index.js";
import { whatsappDestinations, whatsappRoutes } from "./lib/destinations/whatsapp/index.js";
import { defineRoutes, forward } from "./lib/routing/define.js";

export default defineRoutes(({ env, store, route }) => ({
  destinations: {
    // The AI agent service of the support pipeline; on only when AGENT_SDK_URL is set.
    "agent-sdk":
      env.AGENT_SDK_URL !== undefined &&
      forward({
        url: env.AGENT_SDK_URL,
        // AGENT_SDK_SIGNING (default symmetric): v1 with AGENT_SDK_SECRET (required then,
        // lib/config/env.ts), v1a with the signing keys the agent fetches from the JWKS, or both.
        signing: env.AGENT_SDK_SIGNING,
        secret: env.AGENT_SDK_SECRET,
        timeoutMs: env.AGENT_SDK_TIMEOUT_MS,
      }),
    // The ClickUp ticket router (README, "ClickUp ticket routing"); on once CLICKUP_ROUTED_LIST_IDS is set.
    "clickup-router": clickupRoutingEnabled(env) && clickupTicketRouter({ env, store }),
    // WhatsApp onboarding (README, "WhatsApp onboarding"): "whatsapp-onboarding" and its
    // senders "twilio_whatsapp" / "twilio_sms"; on once TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_NUMBER are set.
    ...whatsappDestinations({ env, store, route }),
  },
  routes: [
    ...(env.AGENT_SDK_URL
      ? [{ provider: "chatwoot", events: ["message_created", "conversation_status_changed"], to: ["agent-sdk"] }]
      : []),
    // Loop-safe: only creation, a move in from another list, or a change of the
    // Customer/Market field, in a routed list.
    ...(clickupRoutingEnabled(env)
      ? [
          {
            provider: "clickup",
            events: ["taskCreated", "taskMoved", "taskUpdated"],
            when: isRoutedTicket(env),
            to: ["clickup-router"],
          },
        ]
      : []),
    // Inbound WhatsApp (and SMS, with TWILIO_SMS_NUMBER) messages to the onboarding; status
    // callbacks go nowhere. Its user events are routed here like any event, e.g.
    //   { provider: "hookgate", events: ["user.verified"], to: ["crm"] }
    ...whatsappRoutes(env),
  ],
}));
