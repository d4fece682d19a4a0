// Global autograd switches: torch.no_grad / enable_grad / inference_mode / set_grad_enabled.

let gradEnabled = true;
let inference = false;

export function isGradEnabled(): boolean { return gradEnabled; }
export function isInferenceModeEnabled(): boolean { return inference; }

/** torch.set_grad_enabled(b): sets the mode and returns the previous one. */
export function setGradEnabled(enabled: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = enabled;
  return prev;
}

function withMode<T>(grad: boolean, inf: boolean, fn: () => T): T {
  const prevGrad = gradEnabled, prevInf = inference;
  gradEnabled = grad;
  inference = inf;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    gradEnabled = prevGrad;
    inference = prevInf;
    throw e;
  }
  // The mode is global: an async callback keeps it until its promise settles.
  if (result instanceof Promise) {
    return result.finally(() => { gradEnabled = prevGrad; inference = prevInf; }) as T;
  }
  gradEnabled = prevGrad;
  inference = prevInf;
  return result;
}

/** torch.no_grad: runs fn without recording operations for autograd. */
export function noGrad<T>(fn: () => T): T { return withMode(false, inference, fn); }
/** torch.enable_grad: runs fn with recording on (inside a noGrad block, say). */
export function enableGrad<T>(fn: () => T): T { return withMode(true, inference, fn); }
/** torch.inference_mode: like noGrad, for inference. */
export function inferenceMode<T>(fn: () => T, mode = true): T { return mode ? withMode(false, true, fn) : fn(); }
