// Whether dim names take part in ops (named tensors). Off while autograd runs a backward pass, as
// PyTorch's NoNamesGuard: gradients carry no names, and backward formulas may use ops names refuse.

export const namesMode = { enabled: true };

/** Runs `fn` with names out of play. */
export function withoutNames<T>(fn: () => T): T {
  if (!namesMode.enabled) return fn();
  namesMode.enabled = false;
  try { return fn(); } finally { namesMode.enabled = true; }
}
