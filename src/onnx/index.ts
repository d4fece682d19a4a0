// torch.onnx: export to ONNX.

export { exportModel as export, type DynamicAxes, type ExportArgs, type ExportOptions } from "./export.js";
