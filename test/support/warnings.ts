// Captures the UserWarnings torch-ts prints while fn runs (every one: setWarnAlways(true)), without
// the "UserWarning: " prefix.
import * as torch from "../../src/index.js";

export function captureWarnings(fn: () => void): string[] {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (msg: unknown) => { seen.push(String(msg).replace(/^UserWarning: /, "")); };
  const always = torch.isWarnAlwaysEnabled();
  torch.setWarnAlways(true);
  try { fn(); } finally { console.warn = original; torch.setWarnAlways(always); }
  return seen;
}
