// torch.nn
export * as functional from "./functional/index.js";
