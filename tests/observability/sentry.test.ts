// Unexpected errors reach Sentry (a real local HTTP server acting as the DSN's ingest
// endpoint), once each, tagged, and with nothing private in them: no body, no secret
// or signature, no phone number or email. Expected rejections are not errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { App } from "../../lib/app.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { startSentryDsn, type SentryDsnServer } from "../support/sentry-dsn.js";
import { fileStore, forgedRequest, SECRET, validRequest } from "../support/kvs.js";

const PHONE = "+1 415 555 0134";
const EMAIL = "jane.doe@example.com";

let sentry: SentryDsnServer;
let gateway: App;
beforeAll(async () => {
  sentry = await startSentryDsn();
  const store = await fileStore();
  gateway = await testApp(
    {
      CLICKUP_WEBHOOK_SECRET: SECRET,
      SENTRY_DSN: sentry.dsn,
      SLACK_BOT_TOKEN: "xoxb-never-leaks",
      ALERT_CHANNEL_ID: "C1",
    },
    {
      // The injected failure: a store that breaks with private data in its message.
      store: {
        ...store,
        events: {
          ...store.events,
          ingest: async () => {
            throw new TypeError(
              `cannot record event for ${PHONE} <${EMAIL}> (secret ${SECRET}, token xoxb-never-leaks)`,
            );
          },
        },
      },
    },
  );
});
afterAll(async () => {
  await gateway.close();
  await sentry.close();
});

describe("Sentry", () => {
  it("receives one scrubbed, tagged event for an injected failure", async () => {
    const request = validRequest("198.51.100.90", { headers: { "x-customer-phone": PHONE } });
    const signature = request.headers.get("x-signature")!;
    const body = await request.clone().text();
    const response = await endpointOf(webhook(clickup), async () => gateway).fetch(request);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    const requestId = response.headers.get("x-request-id")!;
    await settled(); // the capture and flush run after the answer

    const events = sentry.events();
    expect(events).toHaveLength(1);
    const event = events[0]! as {
      tags: Record<string, string>;
      exception: { values: { type: string; value: string }[] };
    };
    expect(event.tags).toMatchObject({ provider: "clickup", route: "webhooks/clickup", request_id: requestId });
    expect(event.exception.values[0]!.type).toBe("TypeError");
    expect(event.exception.values[0]!.value).toContain("[phone]");
    expect(event.exception.values[0]!.value).toContain("[email]");

    const everything = sentry.envelopes.map((e) => e.raw).join("\n");
    for (const privateText of [
      PHONE,
      EMAIL,
      SECRET,
      "xoxb-never-leaks",
      signature,
      body.slice(0, 40),
      '"history_items"',
    ]) {
      expect(everything).not.toContain(privateText);
    }
  });

  it("does not report expected rejections", async () => {
    const before = sentry.events().length;
    expect((await endpointOf(webhook(clickup), async () => gateway).fetch(forgedRequest("198.51.100.91"))).status).toBe(
      401,
    );
    await settled();
    expect(sentry.events()).toHaveLength(before);
  });
});

describe("Sentry, after the answer", () => {
  it("receives an unexpected error thrown by work after the answer, tagged with its task", async () => {
    const { after } = await import("../../lib/http/after.js");
    const before = sentry.events().length;
    // As a route's `context.after` runs it: with the app's reporter.
    after(
      "test-task",
      async () => {
        throw new RangeError(`after-answer failure for ${EMAIL}`);
      },
      gateway.frame.report,
    );
    await settled();
    const events = sentry.events().slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ task: "test-task" });
    expect(JSON.stringify(events[0])).not.toContain(EMAIL);
  });
});
