// F.linear of an input and a weight of different dtypes (a float64 batch through a float32 model)
// names both dtypes as PyTorch 2 does, by their ScalarType names (PyTorch 1.13 only says "mat1 and
// mat2 must have the same dtype"); the message named any dtype but float32 by its torch-ts name.
import { test } from "node:test";
import * as torch from "../src/index.js";
import { throwsMsg } from "./support/recorded.js";

const F = torch.nn.functional;

test("linear: mixed input and weight dtypes in ScalarType names", () => {
  throwsMsg(() => F.linear(torch.zeros(2, 3, { dtype: torch.float64 }), torch.zeros(4, 3)), "mat1 and mat2 must have the same dtype, but got Double and Float");
  throwsMsg(() => new torch.nn.Linear(3, 4).call(torch.zeros(2, 3, { dtype: torch.bfloat16 })), "mat1 and mat2 must have the same dtype, but got BFloat16 and Float");
  throwsMsg(() => F.linear(torch.zeros(3), torch.zeros(4, 3, { dtype: torch.float16 })), "mat1 and mat2 must have the same dtype, but got Float and Half");
});
