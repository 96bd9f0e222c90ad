// Rate limits as people write them: `1000/10s`, `20/5m`, `5/s`, or `off`.
import * as z from "./zod.js";

export interface RateSpec {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const SPEC = /^(\d+)\s*\/\s*(\d*)\s*(ms|s|m|h)$/;

export function parseRateSpec(text: string): RateSpec | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "off") return null;
  const match = SPEC.exec(trimmed);
  if (!match) return undefined;
  const limit = Number(match[1]);
  const windowMs = Number(match[2] || 1) * UNIT_MS[match[3] as keyof typeof UNIT_MS];
  return limit > 0 && windowMs > 0 ? { limit, windowMs } : undefined;
}

const MESSAGE = "must be <count>/<window> such as 1000/10s, 20/5m, 5/s, or off";

/** A zod field: a spec, or null for `off`. */
export const rateSpec = z.pipe(
  z.string(),
  z.transform((text, ctx) => {
    const spec = parseRateSpec(text);
    if (spec === undefined) {
      ctx.issues.push({ code: "custom", message: MESSAGE, input: text });
      return z.NEVER;
    }
    return spec;
  }),
);

/** `clickup=100/1s,stripe=500/1s,*=200/1s`: per source, `*` for every other source. */
export const rateSpecsBySource = z.pipe(
  z.string(),
  z.transform((text, ctx) => {
    const specs: Record<string, RateSpec> = {};
    for (const entry of text
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean)) {
      const [name, value] = entry.split("=", 2).map((x) => x.trim());
      const spec = value === undefined ? undefined : parseRateSpec(value);
      if (!name || !spec) {
        ctx.issues.push({
          code: "custom",
          message: `"${entry}": each entry is <source>=<count>/<window>, e.g. clickup=100/1s or *=200/1s`,
          input: text,
        });
        return z.NEVER;
      }
      specs[name] = spec;
    }
    return specs;
  }),
);
