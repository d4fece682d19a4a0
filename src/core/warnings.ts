// PyTorch's warnings as torch-ts prints them: each message once per process, as Python's default
// filter and C++'s TORCH_WARN_ONCE show them, unless torch.setWarnAlways(true) asks for every one.

const warned = new Set<string>();
let warnAlways = false;

/** Prints `UserWarning: <message>` the first time (every time while setWarnAlways(true) holds). */
export function warnOnce(message: string): void {
  if (!warnAlways) {
    if (warned.has(message)) return;
    warned.add(message);
  }
  console.warn(`UserWarning: ${message}`);
}

/** torch.set_warn_always(b): when true, warnings torch-ts gives once are given every time. */
export function setWarnAlways(b: boolean): void {
  if (typeof b !== "boolean") throw new Error(`setWarnOnlyOnce expects a bool, but got ${typeof b === "number" ? (Number.isInteger(b) ? "int" : "float") : typeof b}`);
  warnAlways = b;
}

/** torch.is_warn_always_enabled: the flag setWarnAlways last set (false at start). */
export function isWarnAlwaysEnabled(): boolean { return warnAlways; }
