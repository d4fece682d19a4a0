// torch.onnx.export: traces the model's forward twice (the second time with the dynamic axes
// resized and the input values changed), converts the ops the outputs depend on, and writes an
// ONNX ModelProto with the parameters and buffers as initializers named by their state_dict keys.
//
// The second trace is what makes dynamic axes work: a dim that differs between the traces is
// dynamic, and reshape targets, slice bounds and fills of that size are emitted so that they
// follow the input at run time. It also catches what a single trace would silently bake in:
// values computed by ops the exporter cannot see, and control flow that depends on the inputs.

import { Tensor } from "../core/tensor.js";
import { int64 } from "../core/dtype.js";
import { noGrad } from "../autograd/grad-mode.js";
import { Module } from "../nn/module.js";
import { tensor } from "../ops/creation.js";
import { nodeFs } from "../io/file.js";
import { ConvertContext, type DimAB, ExportEnv, WHO, dimsOf, opLabel } from "./context.js";
import { GraphBuilder, onnxType } from "./graph.js";
import { DATA_DEPENDENT_DIMS, setTraceSink, traceOp, tracing, untraced } from "./hook.js";
import { CONVERTERS, wrapRecurrentModules } from "./ops/index.js";
import { type DimMsg, type ValueInfoMsg, encodeModel } from "./proto.js";
import { type TRecord, type TValue, Trace, markDataDependent } from "./trace.js";

/** dynamic_axes: per input/output name, the dynamic axes as a list or as {axis: dim name}. */
export type DynamicAxes = Readonly<Record<string, readonly number[] | Readonly<Record<number, string>>>>;

export interface ExportOptions {
  /** Where to write the model (PyTorch's `f`); without it the bytes are only returned. */
  f?: string | null;
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  dynamicAxes?: DynamicAxes;
  /** 17 (the default) or 18. */
  opsetVersion?: number;
}

/** The forward's arguments: one tensor, or an array of them (other values pass through as they are). */
export type ExportArgs = Tensor | readonly unknown[];

const OPTION_KEYS = new Set(["f", "inputNames", "outputNames", "dynamicAxes", "opsetVersion"]);
const OPSETS = [17, 18];
/** ONNX IR version 8 (ONNX 1.10+), which opsets 17 and 18 are used with. */
const IR_VERSION = 8;

/**
 * torch.onnx.export(model, args, f?, { inputNames, outputNames, dynamicAxes, opsetVersion }):
 * writes the model to `f` when given and returns the serialized ModelProto.
 */
export function exportModel(model: Module, args: ExportArgs, f?: string | null | ExportOptions, options: ExportOptions = {}): Uint8Array {
  let opts = options;
  let path: string | null = null;
  if (f !== null && typeof f === "object") opts = { ...f, ...options };
  else if (typeof f === "string") path = f;
  else if (f !== undefined && f !== null) throw new Error(`${WHO}(): argument 'f' must be a path string, not ${typeof f}`);
  if (opts.f !== undefined && opts.f !== null) {
    if (typeof opts.f !== "string") throw new Error(`${WHO}(): argument 'f' must be a path string, not ${typeof opts.f}`);
    path = opts.f;
  }
  if (!(model instanceof Module)) throw new Error(`${WHO}(): model must be an nn.Module`);
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.has(k)) throw new Error(`${WHO}() got an unexpected keyword argument '${k}'`);
  }
  const opset = opts.opsetVersion ?? 17;
  if (!OPSETS.includes(opset)) throw new Error(`${WHO}(): opset_version ${String(opset)} is not supported; use 17 or 18`);

  const argList: unknown[] = args instanceof Tensor ? [args] : Array.isArray(args) ? [...args] : badArgs(args);
  // A tensor given twice (query = key = value) is one graph input.
  const inputs = [...new Set(collectTensors(argList))];
  if (inputs.length === 0) throw new Error(`${WHO}(): args must contain at least one tensor`);
  for (const t of inputs) {
    if (t.device.type !== "cpu") throw new Error(`${WHO}(): inputs must be on the CPU, got one on ${t.device}; call model.cpu() and move the inputs`);
  }
  const inputNames = names("inputNames", opts.inputNames, inputs.length, "input");
  const axes = parseDynamicAxes(opts.dynamicAxes ?? {}, inputNames, inputs);

  const params = new Map<Tensor, string>();
  for (const [k, p] of model.namedParameters()) if (!params.has(p)) params.set(p, k);
  for (const [k, b] of model.namedBuffers()) if (!params.has(b)) params.set(b, k);
  for (const [t, k] of params) {
    if (t.device.type !== "cpu") throw new Error(`${WHO}(): the model must be on the CPU, but '${k}' is on ${t.device}; call model.cpu()`);
  }

  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  model.eval();
  const unwrap = wrapRecurrentModules(model);
  const restoreDetach = traceDetach();
  let traced: [TraceRun, TraceRun];
  try {
    const first = runTrace(model, argList, inputs, params);
    const resized = resizeInputs(inputs, inputNames, axes);
    const second = runTrace(model, replaceTensors(argList, new Map(inputs.map((t, i) => [t, resized[i]!]))), resized, params);
    traced = [first, second];
  } finally {
    restoreDetach();
    unwrap();
    for (const [m, t] of modes) m.training = t;
  }
  const [a, b] = traced;
  if (a.outputs.length === 0) throw new Error(`${WHO}(): the model's forward returned no tensor`);
  const outputNames = names("outputNames", opts.outputNames, a.outputs.length, "output");
  for (const key of axes.keys()) {
    if (!inputNames.includes(key) && !outputNames.includes(key)) {
      throw new Error(`${WHO}(): dynamicAxes names '${key}', which is not one of the input or output names (${[...inputNames, ...outputNames].join(", ")})`);
    }
  }
  align(a, b);
  const bytes = buildModel(a, opset, inputNames, outputNames, axes);
  if (path !== null) nodeFs(`${WHO}(f)`).writeFileSync(path, bytes);
  return bytes;
}

function badArgs(args: unknown): never {
  throw new Error(`${WHO}(): args must be a Tensor or an array of arguments, not ${args === null ? "null" : typeof args}`);
}

// ---- arguments ----------------------------------------------------------------------------------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype;
}

/** The tensors among the arguments (inside arrays and plain objects too), in order. */
function collectTensors(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectTensors(x, out);
  else if (isPlainObject(v)) for (const x of Object.values(v)) collectTensors(x, out);
  return out;
}

function replaceTensors<T>(v: T, by: ReadonlyMap<Tensor, Tensor>): T {
  if (v instanceof Tensor) return (by.get(v) ?? v) as T;
  if (Array.isArray(v)) return v.map((x) => replaceTensors(x, by)) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceTensors(x, by)])) as T;
  return v;
}

function names(option: string, given: readonly string[] | undefined, n: number, base: string): string[] {
  if (given === undefined) return Array.from({ length: n }, (_, i) => (n === 1 ? base : `${base}_${i}`));
  if (!Array.isArray(given) || given.some((s) => typeof s !== "string" || s === "")) throw new Error(`${WHO}(): ${option} must be an array of non-empty strings`);
  if (given.length > n) throw new Error(`${WHO}(): ${option} has ${given.length} names but there are only ${n} ${base}s`);
  if (new Set(given).size !== given.length) throw new Error(`${WHO}(): ${option} has a repeated name`);
  return [...given, ...Array.from({ length: n - given.length }, (_, i) => `${base}_${given.length + i}`)];
}

/** Per input/output name: axis → dim name. */
type AxisNames = Map<string, Map<number, string>>;

function parseDynamicAxes(spec: DynamicAxes, inputNames: readonly string[], inputs: readonly Tensor[]): AxisNames {
  if (!isPlainObject(spec)) throw new Error(`${WHO}(): dynamicAxes must be an object keyed by input and output names`);
  const out: AxisNames = new Map();
  for (const [key, v] of Object.entries(spec)) {
    const inputAt = inputNames.indexOf(key);
    const entries: [number, string][] = Array.isArray(v)
      ? (v as readonly number[]).map((axis, i) => [axis, `${key}_dynamic_axes_${i + 1}`])
      : isPlainObject(v) ? Object.entries(v).map(([axis, name]) => [Number(axis), String(name)])
      : badAxes(key);
    const axisMap = new Map<number, string>();
    for (const [axis, name] of entries) {
      if (!Number.isInteger(axis)) throw new Error(`${WHO}(): dynamicAxes['${key}'] has a non-integer axis ${String(axis)}`);
      let ax = axis;
      if (inputAt >= 0) {
        const rank = inputs[inputAt]!.dim();
        if (ax < -rank || ax >= rank) throw new Error(`${WHO}(): dynamicAxes['${key}'] axis ${axis} is out of range for an input of ${rank} dims`);
        if (ax < 0) ax += rank;
      }
      axisMap.set(ax, name);
    }
    out.set(key, axisMap);
  }
  return out;
}

function badAxes(key: string): never {
  throw new Error(`${WHO}(): dynamicAxes['${key}'] must be an array of axes or an object {axis: name}`);
}

/**
 * The inputs of the second trace: every dynamic axis grown (by 1 for the first dim name, 2 for the
 * second, ..., so that different names never look alike), values moved one place along the
 * flattened tensor (integers and booleans stay valid indices and masks), floats also rescaled.
 */
function resizeInputs(inputs: readonly Tensor[], inputNames: readonly string[], axes: AxisNames): Tensor[] {
  const delta = new Map<string, number>();
  for (const m of axes.values()) for (const name of m.values()) if (!delta.has(name)) delta.set(name, delta.size + 1);
  return untraced(() => noGrad(() => inputs.map((t, i) => {
    let x = t;
    const m = axes.get(inputNames[i]!);
    for (const [axis, name] of m ?? []) {
      const n = x.shape[axis]!;
      if (n === 0) continue;
      const idx = Array.from({ length: n + delta.get(name)! }, (_, k) => k % n);
      x = x.indexSelect(axis, tensor(idx, { dtype: int64 }));
    }
    if (x.numel() > 1) x = x.reshape(-1).roll(1).reshape(x.shape);
    if (x.dtype.isFloatingPoint) return x.mul(0.75).add(0.125);
    return x === t ? x.clone() : x;
  })));
}

// ---- tracing ------------------------------------------------------------------------------------

interface TraceRun { trace: Trace; outputs: TValue[] }

function runTrace(model: Module, args: readonly unknown[], inputs: readonly Tensor[], params: ReadonlyMap<Tensor, string>): TraceRun {
  const trace = new Trace(params, (kind) => CONVERTERS.has(kind));
  for (const t of inputs) trace.addInput(t);
  setTraceSink(trace);
  let result: unknown;
  try {
    result = noGrad(() => (model.call as (...a: unknown[]) => unknown).call(model, ...args));
  } finally {
    setTraceSink(null);
  }
  return { trace, outputs: collectTensors(result).map((t) => trace.valueOf(t)) };
}

/** While tracing, detach() is an identity op of the trace (it is how user code cuts autograd). */
function traceDetach(): () => void {
  const proto = Tensor.prototype as unknown as { detach: (this: Tensor) => Tensor };
  const original = proto.detach;
  proto.detach = function (this: Tensor): Tensor {
    const d = original.call(this);
    if (tracing.on) traceOp("detach", [this], d);
    return d;
  };
  return () => { proto.detach = original; };
}

/**
 * Pairs the records the outputs depend on, and their values, with the second trace's. (Dead
 * records, such as the steps inside an op that is recorded whole, need not match.)
 */
function align(a: TraceRun, b: TraceRun): void {
  const diverged = (where: string): never => {
    throw new Error(`${WHO}: the model's forward ran differently when the dynamic axes were resized or the input values changed (${where}); control flow that depends on the inputs cannot be exported`);
  };
  const pair = (x: TValue | null, y: TValue | null, where: string): void => {
    if (x === null || y === null) {
      if (x !== y) diverged(where);
      return;
    }
    if (x.kind !== y.kind) diverged(where);
    if (x.shape.length !== y.shape.length) diverged(`${where}: a result of shape [${x.shape.join(", ")}], then [${y.shape.join(", ")}]`);
    if (x.b === null) x.b = y;
  };
  const byIndex = (x: TRecord, y: TRecord): number => x.index - y.index;
  const ra = [...liveRecords(a.outputs)].sort(byIndex), rb = [...liveRecords(b.outputs)].sort(byIndex);
  if (ra.length !== rb.length) diverged(`${ra.length} ops vs ${rb.length}`);
  ra.forEach((r, i) => {
    const s = rb[i]!;
    const where = r.kind === s.kind ? `op ${i}, ${opLabel(r.kind)}` : `op ${i}: ${opLabel(r.kind)} vs ${opLabel(s.kind)}`;
    if (r.kind !== s.kind || r.inputs.length !== s.inputs.length || r.outputs.length !== s.outputs.length) diverged(where);
    r.b = s;
    r.inputs.forEach((v, k) => pair(v, s.inputs[k]!, where));
    r.outputs.forEach((v, k) => pair(v, s.outputs[k]!, where));
  });
  // Sizes that depend on the input values (an op on constants only has constant sizes).
  for (const r of ra) {
    const marked = r.attrs[DATA_DEPENDENT_DIMS] as readonly (readonly [number, number])[] | undefined;
    if (!marked || r.inputs.every((v) => v === null || v.isConstant)) continue;
    for (const [k, d] of marked) markDataDependent(r.outputs[k]!, [d]);
  }
  a.trace.inputs.forEach((v, i) => pair(v, b.trace.inputs[i]!, "inputs"));
  if (a.outputs.length !== b.outputs.length) diverged(`${a.outputs.length} outputs vs ${b.outputs.length}`);
  a.outputs.forEach((v, i) => pair(v, b.outputs[i]!, `output ${i}`));
}

// ---- the graph ----------------------------------------------------------------------------------

/** The records the outputs depend on (outputs of unmapped ops on constants are constants). */
function liveRecords(outputs: readonly TValue[]): Set<TRecord> {
  const live = new Set<TRecord>();
  const stack = [...outputs];
  while (stack.length) {
    const v = stack.pop()!;
    if (v.kind !== "op" || v.folded) continue;
    const r = v.producer!;
    if (live.has(r)) continue;
    live.add(r);
    for (const x of r.inputs) if (x) stack.push(x);
  }
  return live;
}

function buildModel(run: TraceRun, opset: number, inputNames: readonly string[], outputNames: readonly string[], axes: AxisNames): Uint8Array {
  const { trace, outputs } = run;
  const g = new GraphBuilder(opset);
  for (const n of [...inputNames, ...outputNames]) g.claim(n);
  trace.inputs.forEach((v, i) => { v.name = inputNames[i]!; });
  const env = new ExportEnv(g, trace.inputs);

  const live = liveRecords(outputs);
  for (const r of trace.records) {
    if (!live.has(r)) continue;
    const convert = CONVERTERS.get(r.kind);
    if (!convert) {
      const label = opLabel(r.kind);
      throw new Error(`${WHO}: op '${label}' has no ONNX mapping${label === r.kind ? "" : ` (traced as ${r.kind})`}`);
    }
    if (r.stale) {
      throw new Error(`${WHO}: ${opLabel(r.kind)} reads a tensor that ${r.stale} modified in place after it was computed; the exporter cannot follow that write (use the out-of-place op)`);
    }
    const produced = convert(new ConvertContext(env, r));
    const list = typeof produced === "string" ? [produced] : produced;
    r.outputs.forEach((v, k) => {
      const name = list[k];
      if (name) v.name = name;
      else v.unsupported = `output ${k} of ${opLabel(r.kind)}`;
    });
  }

  // Named graph outputs: an Identity where the value already has another name.
  const dimNames = inputDimNames(trace.inputs, inputNames, axes);
  const outputInfos: ValueInfoMsg[] = outputs.map((v, i) => {
    const name = outputNames[i]!;
    const src = env.name(v, `output ${i}`);
    g.node("Identity", [src], {}, [name]);
    return valueInfo(name, v, axes.get(name), dimNames, name);
  });
  const inputInfos = trace.inputs.map((v, i) => valueInfo(inputNames[i]!, v, axes.get(inputNames[i]!), dimNames, inputNames[i]!));
  // Identity nodes that only rename are folded into the producing node.
  renameOutputs(g, new Set(outputNames), new Set(inputNames));

  return encodeModel({
    irVersion: IR_VERSION,
    opsets: [{ domain: "", version: opset }],
    producerName: "torch-ts",
    producerVersion: "",
    graph: { name: "main_graph", nodes: g.nodes, initializers: g.initializers, inputs: inputInfos, outputs: outputInfos, valueInfo: [] },
  });
}

/** The dim name of every dynamic input axis, keyed by its sizes in the two traces. */
function inputDimNames(inputs: readonly TValue[], inputNames: readonly string[], axes: AxisNames): Map<string, string> {
  const out = new Map<string, string>();
  inputs.forEach((v, i) => {
    const m = axes.get(inputNames[i]!);
    dimsOf(v).forEach((d, k) => {
      const name = m?.get(k);
      if (name && d.a !== d.b && !out.has(`${d.a}:${d.b}`)) out.set(`${d.a}:${d.b}`, name);
    });
  });
  return out;
}

function valueInfo(name: string, v: TValue, declared: Map<number, string> | undefined, dimNames: Map<string, string>, owner: string): ValueInfoMsg {
  const shape: DimMsg[] = dimsOf(v).map((d: DimAB, k) => {
    const given = declared?.get(k) ?? declared?.get(k - v.shape.length);
    if (given) return given;
    if (d.a === d.b) return d.a;
    return dimNames.get(`${d.a}:${d.b}`) ?? `${owner}_dim_${k}`;
  });
  return { name, elemType: onnxType(v.dtype ?? int64), shape };
}

/**
 * `X = op(...); Y = Identity(X)` with Y a graph output and X used nowhere else becomes
 * `Y = op(...)`, so the graph outputs carry their names on the nodes that compute them.
 */
function renameOutputs(g: GraphBuilder, outputs: ReadonlySet<string>, inputs: ReadonlySet<string>): void {
  const uses = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  const producer = new Map<string, (typeof g.nodes)[number]>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const initializers = new Set(g.initializers.map((t) => t.name));
  const drop = new Set<(typeof g.nodes)[number]>();
  for (const n of g.nodes) {
    if (n.opType !== "Identity" || !outputs.has(n.outputs[0]!)) continue;
    const src = n.inputs[0]!;
    if (inputs.has(src) || initializers.has(src) || outputs.has(src) || uses.get(src) !== 1) continue;
    const p = producer.get(src);
    if (!p) continue;
    (p.outputs as string[])[p.outputs.indexOf(src)] = n.outputs[0]!;
    drop.add(n);
  }
  if (drop.size) g.nodes.splice(0, g.nodes.length, ...g.nodes.filter((n) => !drop.has(n)));
}
