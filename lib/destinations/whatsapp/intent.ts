// What an inbound message asks for, from its text alone. Pure.
// Opt-out words are Twilio's own (https://help.twilio.com/articles/223134027), any case.
export const LANGUAGES = ["en", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

export type Intent =
  | { kind: "stop" }
  | { kind: "start" }
  | { kind: "language"; language: Language | null }
  | { kind: "resend" }
  | { kind: "code"; code: string }
  | { kind: "text" };

const STOP = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]);
const START = new Set(["START", "UNSTOP", "YES"]);
const RESEND = new Set(["CODE", "RESEND", "NEW CODE", "CÓDIGO", "CODIGO"]);

export function intentOf(body: string): Intent {
  const words = body.trim().replace(/\s+/g, " ").toUpperCase();
  if (STOP.has(words)) return { kind: "stop" };
  if (START.has(words)) return { kind: "start" };
  if (RESEND.has(words)) return { kind: "resend" };
  const lang = /^(?:LANG|LANGUAGE|IDIOMA) ([A-Z]{2})$/.exec(words);
  if (lang) {
    const wanted = lang[1]!.toLowerCase();
    return {
      kind: "language",
      language: (LANGUAGES as readonly string[]).includes(wanted) ? (wanted as Language) : null,
    };
  }
  const digits = words.replace(/[\s-]/g, "");
  if (/^\d{6}$/.test(digits)) return { kind: "code", code: digits };
  return { kind: "text" };
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}
