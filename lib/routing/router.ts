// Which destinations receive an event. Pure: a function of the provider and the event.
import type { ProviderEvent } from "../providers/types.js";

export type Router = (provider: string, event: ProviderEvent) => string[];
