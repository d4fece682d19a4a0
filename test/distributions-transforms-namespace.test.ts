// torch.distributions.transforms holds PyTorch's public names only (test/fixtures/distributions-transforms-namespace.py,
// PyTorch 1.13): its transform classes and identityTransform, by the translation rule; no internal helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as torch from "../src/index.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/distributions-transforms-namespace.json", import.meta.url), "utf8")) as { names: string[]; all: string[] };
const camel = (n: string): string => n.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
// PositiveDefiniteTransform came with PyTorch 2.0 (the project's reference, 2.11, has it; 1.13 does not).
const sincePyTorch2 = ["PositiveDefiniteTransform"];

test("torch.distributions.transforms exports PyTorch's names and nothing else", () => {
  const ours = Object.keys(torch.distributions.transforms).sort();
  assert.deepEqual(ours, [...fx.names.map(camel), ...sincePyTorch2].sort());
  assert.ok(!("ParameterlessTransform" in torch.distributions.transforms));
  for (const n of fx.all) assert.ok(camel(n) in torch.distributions.transforms, n);
});

test("the transforms of the namespace are the ones of torch.distributions", () => {
  const d = torch.distributions as unknown as Record<string, unknown>, tr = torch.distributions.transforms as unknown as Record<string, unknown>;
  for (const n of Object.keys(tr)) assert.equal(tr[n], d[n], n);
  // A parameterless transform still equals any instance of its class (what the internal base gives).
  assert.ok(new torch.distributions.transforms.ExpTransform().equals(new torch.distributions.ExpTransform()));
});
