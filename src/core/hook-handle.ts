// The handle every register*Hook returns (PyTorch's RemovableHandle), and the list operations
// behind it, shared by tensor, graph-node, module and optimizer hooks.

export interface RemovableHandle { remove(): void }

/** Adds `hook` to `list` (first with prepend); the handle takes it out again. */
export function addHook<H>(list: H[], hook: H, prepend = false): RemovableHandle {
  if (prepend) list.unshift(hook); else list.push(hook);
  return { remove: () => { const i = list.indexOf(hook); if (i >= 0) list.splice(i, 1); } };
}

/** The error module and optimizer registrations give a hook that is not a function. */
export function checkCallable(hook: unknown): void {
  if (typeof hook !== "function") throw new TypeError(`hook must be callable, got ${typeof hook}`);
}
