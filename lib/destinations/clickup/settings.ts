// The ticket router's settings, read from the parsed config (lib/config/env.ts
// declares and checks the variables).
import type { Config } from "../../config/env.js";
import type { FieldNames } from "./task.js";

export interface ClickUpRoutingSettings {
  /** The routed lists (Service Issues, Customer Inquiries, Unit Management); none turns routing off. */
  listIds: readonly string[];
  fields: FieldNames;
  api: ClickUpApiSettings;
}

export interface ClickUpApiSettings {
  /** `https://api.clickup.com/api/v2` unless a test or proxy says otherwise. */
  baseUrl: string;
  /** A personal token (`pk_...`) or an OAuth access token; undefined when not configured. */
  token: string | undefined;
}

export function clickupRoutingSettings(config: Pick<Config, "env">): ClickUpRoutingSettings {
  const { env } = config;
  return {
    listIds: env.CLICKUP_ROUTED_LIST_IDS ?? [],
    fields: { customer: env.CLICKUP_CUSTOMER_FIELD, market: env.CLICKUP_MARKET_FIELD },
    api: { baseUrl: env.CLICKUP_API_BASE_URL.replace(/\/+$/, ""), token: env.CLICKUP_API_TOKEN },
  };
}
