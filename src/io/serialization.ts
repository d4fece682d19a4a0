// torch.serialization: the value classes torch.load returns and torch.save accepts beyond plain JS
// values, and the error every reader throws for a bad file.

export { FormatError } from "./errors.js";
export { OrderedDict, PyTuple, tuple, PyFloat, PyComplex, PyGlobal, DTypeRef, DeviceRef } from "./pickle-values.js";
export type { SaveValue, LoadedValue, SaveOptions, LoadOptions } from "./pt.js";
