// Points between ops where no kernel holds a buffer that no tensor references, so backends may take
// back the buffers of dead tensors there: the end of an outermost backward (the autograd engine
// reaches it) and an optimizer's or module's zeroGrad, right after the previous step's gradients
// were dropped. The webgpu device listens (src/backends/webgpu/context.ts).

/** Where the program is: after a backward, or after zeroGrad dropped (or zeroed) the gradients. */
export type SafePointKind = "backward" | "zeroGrad";

const listeners = new Set<(kind: SafePointKind) => void>();

/** Calls `f` at each safe point until the returned function is called. */
export function onSafePoint(f: (kind: SafePointKind) => void): () => void {
  listeners.add(f);
  return () => { listeners.delete(f); };
}

/** @internal Called where no op is running. */
export function reachSafePoint(kind: SafePointKind): void {
  for (const f of listeners) f(kind);
}
