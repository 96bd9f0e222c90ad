// What hookgate texts back, per language. Pure: the same message renders the same body
// on every attempt (the check for a send whose answer was lost compares bodies).
import type { Language } from "./intent.js";

export const MESSAGE_KINDS = [
  "code",
  "verified",
  "wrong_code",
  "code_void",
  "code_expired",
  "limited",
  "prompt",
  "language",
  "language_unknown",
  "opted_in",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MessageVars {
  code?: string;
  triesLeft?: number;
}

type Texts = Record<MessageKind, (v: MessageVars) => string>;

const TEXTS: Record<Language, Texts> = {
  en: {
    code: (v) => `Your verification code is ${v.code}. It expires in 10 minutes. Reply with it to confirm your number.`,
    verified: () => "Thank you: your number is verified.",
    wrong_code: (v) => `That code is not right. ${v.triesLeft} ${v.triesLeft === 1 ? "try" : "tries"} left.`,
    code_void: () => "Too many wrong tries: that code no longer works. Reply CODE for a new one.",
    code_expired: () => "That code has expired. Reply CODE for a new one.",
    limited: () => "A new code was sent recently. Please wait a minute (at most 5 codes an hour).",
    prompt: () => "Reply with the 6-digit code we sent you, or CODE for a new one.",
    language: () => "Language set to English.",
    language_unknown: () => "Languages: LANG en (English), LANG es (Español).",
    opted_in: () => "You will receive our messages again. Reply STOP to stop.",
  },
  es: {
    code: (v) => `Tu código de verificación es ${v.code}. Caduca en 10 minutos. Respóndelo para confirmar tu número.`,
    verified: () => "Gracias: tu número está verificado.",
    wrong_code: (v) =>
      `Ese código no es correcto. Te quedan ${v.triesLeft} ${v.triesLeft === 1 ? "intento" : "intentos"}.`,
    code_void: () => "Demasiados intentos fallidos: ese código ya no sirve. Responde CODE para recibir otro.",
    code_expired: () => "Ese código ha caducado. Responde CODE para recibir otro.",
    limited: () => "Acabamos de enviarte un código. Espera un minuto (como máximo 5 códigos por hora).",
    prompt: () => "Responde con el código de 6 cifras que te enviamos, o CODE para recibir otro.",
    language: () => "Idioma: español.",
    language_unknown: () => "Idiomas: LANG en (English), LANG es (Español).",
    opted_in: () => "Volverás a recibir nuestros mensajes. Responde STOP para dejar de recibirlos.",
  },
};

export function render(kind: MessageKind, language: Language, vars: MessageVars = {}): string {
  return TEXTS[language][kind](vars);
}
