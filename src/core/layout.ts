// torch.layout: how a tensor's elements are laid out in memory. torch-ts has only strided tensors
// (no sparse or MKL-DNN ones), so torch.strided is the one value.

export class Layout {
  constructor(readonly name: string) {}
  toString(): string { return `torch.${this.name}`; }
  [Symbol.for("nodejs.util.inspect.custom")](): string { return this.toString(); }
}

/** The layout of every torch-ts tensor (PyTorch's default). */
export const strided = new Layout("strided");
