// Points between ops where no kernel holds a buffer that no tensor references (the end of an
// outermost backward), so backends may take back the buffers of dead tensors there. The autograd
// engine reaches them; the webgpu device listens (src/backends/webgpu/context.ts).

const listeners = new Set<() => void>();

/** Calls `f` at each safe point until the returned function is called. */
export function onSafePoint(f: () => void): () => void {
  listeners.add(f);
  return () => { listeners.delete(f); };
}

/** @internal Called where no op is running. */
export function reachSafePoint(): void {
  for (const f of listeners) f();
}
