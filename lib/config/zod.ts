// The one zod every schema in lib/ is written with: zod/mini, whose functions tree-shake,
// so a bundled function loads only the validators it uses (bundled, classic zod costs a
// cold start 45–55 ms; zod/mini about 15). Import it as a namespace, `import * as z from
// "../config/zod.js"`: a namespace object passed around would keep all of zod in.
//
// zod/mini loads no locale (its messages would read "Invalid input"), classic zod loads
// English: setting English here keeps every message as it was ("Too small: expected
// string to have >=1 characters").
import { config } from "zod/mini";
import type { $ZodType } from "zod/v4/core";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";

/** Any schema, zod/mini's or classic zod's (tests write theirs in classic zod): its output is T. */
export type Schema<T> = $ZodType<T>;
