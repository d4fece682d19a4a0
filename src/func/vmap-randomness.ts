// vmap's randomness flag on torch-ts's per-element loop. Every draw from any torch.Generator passes
// the draw guard of src/core/generator.ts while a vmap runs: "error" throws PyTorch's error,
// "same" records each generator's state at its first draw and restores it before every later
// element (so each element draws what PyTorch's single unbatched draw gives, and the generator ends
// where one element's draws leave it), "different" lets the elements draw one after another.
// Nested vmaps chain their guards: an outer "error" still refuses a draw under an inner "different".

import { type Generator, setDrawGuard } from "../core/generator.js";

export type Randomness = "error" | "different" | "same";

export function checkRandomness(randomness: unknown): asserts randomness is Randomness {
  if (randomness !== "error" && randomness !== "different" && randomness !== "same") {
    throw new Error(`Only allowed values for randomness are 'error', 'different', or 'same'. Got ${String(randomness)}`);
  }
}

const RANDOM_IN_ERROR_MODE = "vmap: called random operation while in randomness error mode. Please either use the 'same' or 'different' randomness flags on vmap or perform the randomness operation out of vmap";

/** One vmap's randomness over its elements: enter(), beforeElement(i) for each, exit() (in finally). */
export class RandomnessScope {
  private readonly snapshots = new Map<Generator, Uint8Array>();
  private previous: ((g: Generator) => void) | null = null;

  constructor(private readonly mode: Randomness) {}

  enter(): void {
    // A placeholder first, to learn the outer guard; then the chained one.
    this.previous = setDrawGuard(null);
    const outer = this.previous;
    if (this.mode === "error") setDrawGuard(() => { throw new Error(RANDOM_IN_ERROR_MODE); });
    else if (this.mode === "same") {
      setDrawGuard((g) => {
        if (!this.snapshots.has(g)) this.snapshots.set(g, g.getState());
        if (outer !== null) outer(g);
      });
    } else setDrawGuard(outer);
  }

  beforeElement(index: number): void {
    if (index > 0) for (const [g, state] of this.snapshots) g.setState(state);
  }

  exit(): void {
    setDrawGuard(this.previous);
  }
}
