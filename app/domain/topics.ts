// Topic rules for user webhooks: `user/<subject>/<verb>`, each of subject and verb made of
// lowercase letters, digits and underscores. Shared by the ingress server, the UI, the CLI and
// the task subscription parser, so every caller refuses the same topics with the same words.

export type TopicValidation = { ok: true } | { ok: false; message: string };

const SEGMENT = /^[a-z0-9_]+$/;

export function validateUserTopic(topic: string): TopicValidation {
  if (typeof topic !== "string" || topic.length === 0) {
    return fail("Topic is required (expected user/<subject>/<verb>, e.g. user/order/created)");
  }
  if (topic.length > 255) return fail("Topic is longer than 255 characters");
  if (/\s/.test(topic)) {
    return fail(`Topic "${shown(topic)}" contains whitespace; use underscores instead of spaces`);
  }
  const segments = topic.split("/");
  if (segments.length !== 3) {
    return fail(
      `Topic "${shown(topic)}" has ${segments.length} segment${segments.length === 1 ? "" : "s"}; ` +
        "expected exactly 3: user/<subject>/<verb>",
    );
  }
  const [domain, subject, verb] = segments as [string, string, string];
  if (domain !== "user") {
    const hint = domain.toLowerCase() === "user" ? ' (it must be lowercase "user")' : "";
    return fail(`Topic "${shown(topic)}" must start with "user/", not "${shown(domain)}/"${hint}`);
  }
  const subjectProblem = segmentProblem("subject", subject);
  if (subjectProblem) return fail(`Topic "${shown(topic)}": ${subjectProblem}`);
  const verbProblem = segmentProblem("verb", verb);
  if (verbProblem) return fail(`Topic "${shown(topic)}": ${verbProblem}`);
  return { ok: true };
}

function segmentProblem(label: "subject" | "verb", segment: string): string | null {
  if (segment.length === 0) return `the ${label} (segment ${label === "subject" ? 2 : 3}) is empty`;
  if (SEGMENT.test(segment)) return null;
  if (/[A-Z]/.test(segment)) {
    return `the ${label} "${shown(segment)}" contains uppercase letters; use lowercase (${segment.toLowerCase()})`;
  }
  const bad = [...segment].find((ch) => !/[a-z0-9_]/.test(ch)) ?? "";
  const described = /[^\x20-\x7e]/.test(bad)
    ? `the non-ASCII character "${bad}" (U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`
    : `the character "${bad}"`;
  return `the ${label} "${shown(segment)}" contains ${described}; only lowercase letters, digits and underscores are allowed`;
}

// Keeps messages one line and readable even when the input is long or has control characters.
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  const oneLine = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

function fail(message: string): TopicValidation {
  return { ok: false, message };
}
