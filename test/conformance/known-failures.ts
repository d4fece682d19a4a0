// Conformance cases that do not pass yet, each with the reason. The suite fails on any other
// failure, so this list only shrinks. Regenerate the ids with: npx tsx test/conformance/cli.ts
export const KNOWN_FAILURES: Set<string> = new Set<string>([
]);

/** Samples of ops.jsonl that the generic tests (non-contiguous inputs, gradcheck) do not pass yet. */
export const KNOWN_GENERIC_FAILURES: Set<string> = new Set<string>([
]);
