// Answers for providers that expect something other than hookgate's JSON. The event id
// and duplicate flag still travel, as headers, so an operator (and a test) can see them.

export interface Outcome {
  id: string;
  duplicate: boolean;
}

export function answer(body: string, contentType: string, outcome: Outcome): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": contentType,
      "hookgate-event-id": outcome.id,
      "hookgate-duplicate": String(outcome.duplicate),
    },
  });
}
