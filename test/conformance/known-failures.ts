// Conformance cases that do not pass yet, each with the reason. The suite fails on any other
// failure, so this list only shrinks. Regenerate the ids with: npx tsx test/conformance/cli.ts
export const KNOWN_FAILURES: Set<string> = new Set<string>([
]);
