// Every branch of both routing rules, as a table: the task's customer and market,
// the directory, and what the decision must be (assignees, tags, and why).
import { describe, expect, it } from "vitest";
import {
  decide,
  NEEDS_CX_ROUTING,
  NEEDS_OPS_ROUTING,
  type Directory,
} from "../../../lib/destinations/clickup/rules.js";

const ANA = 101; // CX owner of a VIP customer
const BEN = 102; // CX owner of a standard customer
const OLA = 201; // Ops owner of Lisbon

const directory: Directory = {
  customers: [
    { name: "Acme Hotels", vip: true, cxOwner: ANA },
    { name: "Blue Harbor", vip: false, cxOwner: BEN },
    { name: "Cedar Stays", vip: false, cxOwner: null },
    { name: "Dune VIP", vip: true, cxOwner: null },
  ],
  markets: [
    { name: "Lisbon", opsOwner: OLA },
    { name: "Faro", opsOwner: null },
    { name: "Shared", opsOwner: ANA },
  ],
};

describe("CX rule", () => {
  it.each([
    ["1. VIP customer with a CX owner → assign the owner", "Acme Hotels", "vip_customer_owner", { assign: ANA }],
    ["2. standard customer with a CX owner → assign the owner", "Blue Harbor", "customer_owner", { assign: BEN }],
    ["3. customer without a CX owner → tag", "Cedar Stays", "customer_without_owner", { tag: NEEDS_CX_ROUTING }],
    ["3. VIP customer without a CX owner → tag", "Dune VIP", "customer_without_owner", { tag: NEEDS_CX_ROUTING }],
    [
      "3. customer the directory does not know → tag",
      "Unknown Co",
      "customer_not_in_directory",
      { tag: NEEDS_CX_ROUTING },
    ],
    ["4. no customer on the task → tag", null, "no_customer", { tag: NEEDS_CX_ROUTING }],
    ["names match ignoring case and extra spaces", "  acme   HOTELS ", "vip_customer_owner", { assign: ANA }],
  ] as const)("%s", (_, customer, branch, action) => {
    const [cx] = decide({ customer, market: "Lisbon" }, directory).reasons;
    expect(cx).toMatchObject({ rule: "cx", branch, action, customer });
    expect(cx.text).not.toBe("");
  });
});

describe("Ops rule", () => {
  it.each([
    ["1. market identified → assign its primary Ops owner", "Lisbon", "market_owner", { assign: OLA }],
    ["2. no market → tag", null, "no_market", { tag: NEEDS_OPS_ROUTING }],
    ["3. market with no owner → tag", "Faro", "market_without_owner", { tag: NEEDS_OPS_ROUTING }],
    ["3. market the directory does not know → tag", "Porto", "market_not_in_directory", { tag: NEEDS_OPS_ROUTING }],
    ["names match ignoring case", "lisbon", "market_owner", { assign: OLA }],
  ] as const)("%s", (_, market, branch, action) => {
    const [, ops] = decide({ customer: "Acme Hotels", market }, directory).reasons;
    expect(ops).toMatchObject({ rule: "ops", branch, action, market });
  });
});

describe("the decision: both rules, every ticket", () => {
  it.each([
    // customer, market, assignees, tags
    ["Acme Hotels", "Lisbon", [ANA, OLA], []],
    ["Blue Harbor", "Faro", [BEN], [NEEDS_OPS_ROUTING]],
    ["Cedar Stays", "Lisbon", [OLA], [NEEDS_CX_ROUTING]],
    [null, null, [], [NEEDS_CX_ROUTING, NEEDS_OPS_ROUTING]],
    ["Unknown Co", "Nowhere", [], [NEEDS_CX_ROUTING, NEEDS_OPS_ROUTING]],
  ] as const)("customer %s, market %s → assignees %j, tags %j", (customer, market, assignees, tags) => {
    const decision = decide({ customer, market }, directory);
    expect(decision.assignees).toEqual(assignees);
    expect(decision.tags).toEqual(tags);
    expect(decision.reasons.map((r) => r.rule)).toEqual(["cx", "ops"]);
  });

  it("assigns a person once when they own both the customer and the market, with both reasons", () => {
    const decision = decide({ customer: "Acme Hotels", market: "Shared" }, directory);
    expect(decision.assignees).toEqual([ANA]);
    expect(decision.reasons.map((r) => r.action)).toEqual([{ assign: ANA }, { assign: ANA }]);
  });

  it.each([
    // apply, assignees, tags, applied (cx, ops)
    [["cx"], [ANA], [], [true, false]],
    [["ops"], [], [NEEDS_OPS_ROUTING], [false, true]],
    [[], [], [], [false, false]],
  ] as const)(
    "applies only the rules asked (%j); the other is still decided and recorded",
    (apply, assignees, tags, applied) => {
      const decision = decide({ customer: "Acme Hotels", market: "Faro" }, directory, apply);
      expect(decision).toMatchObject({ assignees, tags });
      expect(decision.reasons.map((r) => [r.branch, r.applied])).toEqual([
        ["vip_customer_owner", applied[0]],
        ["market_without_owner", applied[1]],
      ]);
    },
  );

  it("decides from an empty directory (nothing seeded yet) by tagging both", () => {
    const decision = decide({ customer: "Acme Hotels", market: "Lisbon" }, { customers: [], markets: [] });
    expect(decision).toMatchObject({ assignees: [], tags: [NEEDS_CX_ROUTING, NEEDS_OPS_ROUTING] });
  });
});
