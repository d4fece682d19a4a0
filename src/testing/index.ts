// torch.testing: assert_close and make_tensor, as PyTorch's (messages and draws included).
export { assertClose, assertCloseAsync, AssertionError, type AssertCloseOptions } from "./compare.js";
export { makeTensor, type MakeTensorOptions } from "./make-tensor.js";
