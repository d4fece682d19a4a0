// The dataset classes every DataLoader worker knows by name, so they need no workerModule.

import { ConcatDataset, Subset, TensorDataset } from "./dataset.js";
import { FashionMNIST, MNIST } from "../../datasets/mnist.js";
import { Digits } from "../../datasets/digits.js";

type AnyClass = abstract new (...args: never[]) => unknown;

const CLASSES: Record<string, AnyClass> = { TensorDataset, Subset, ConcatDataset, MNIST, FashionMNIST, Digits };
const NAMES = new Map<AnyClass, string>(Object.entries(CLASSES).map(([name, cls]) => [cls, name]));

/** The registry name of `cls` when it is one of the built-in datasets itself (not a subclass). */
export function builtinDatasetName(cls: unknown): string | null { return NAMES.get(cls as AnyClass) ?? null; }

export function builtinDatasetClass(name: string): AnyClass | null { return CLASSES[name] ?? null; }
