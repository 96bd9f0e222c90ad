// A new event as the pipeline would hand it to the store: unique by default, each test
// overriding only what it is about.
import type { NewEvent } from "../../lib/store/events.js";

let counter = 0;

export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  counter += 1;
  return {
    source: "clickup",
    provider: "clickup",
    dedupKey: `key-${counter}-${Math.random()}`,
    type: "taskCreated",
    verified: true,
    body: new TextEncoder().encode(`{"n":${counter}}`),
    payload: { n: counter },
    headers: { "content-type": "application/json" },
    destinations: [],
    leaseSeconds: 60,
    ...overrides,
  };
}
