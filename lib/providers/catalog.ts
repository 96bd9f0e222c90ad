// Every provider hookgate knows, by route name. Adding one: a module beside this
// file, a line here, and a one-line api/webhooks/<name>.ts.
import { clickup } from "./clickup.js";
import type { Provider } from "./types.js";

export const providers: readonly Provider[] = [clickup];

export function providerNamed(name: string): Provider | undefined {
  return providers.find((p) => p.name === name);
}
