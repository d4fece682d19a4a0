// The callback form of a Python `with` block: run the body, then the exit step, whether the body
// returns, throws or (for an async body) its promise settles.

/** body(), then exit() once it has returned or thrown, or once its promise has settled. */
export function runScoped<T>(body: () => T, exit: () => void): T {
  let result: T;
  try {
    result = body();
  } catch (e) {
    exit();
    throw e;
  }
  if (result instanceof Promise) return result.finally(exit) as T;
  exit();
  return result;
}
