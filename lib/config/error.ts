// Apart from env.ts so that code which only needs to recognise a config failure (the
// error mapping every route loads) does not load zod with it.
export class ConfigError extends Error {
  override name = "ConfigError";
}
