// A phone number as Twilio and the WhatsApp onboarding write it: E.164, `+` and up to
// 15 digits, the first not 0. One spelling for the configured senders (TWILIO_*_NUMBER),
// the inbound `From`, and the admin API and CLI that look a user up by number.

/** The number itself, unanchored: `whatsapp:` senders put it after their prefix. */
export const E164_NUMBER = String.raw`\+[1-9][0-9]{6,14}`;

/** A whole string that is one E.164 number. */
export const E164 = new RegExp(`^${E164_NUMBER}$`);
