// PyTorch's tutorial "NLP From Scratch: Classifying Names with a Character-Level RNN"
// (https://pytorch.org/tutorials/intermediate/char_rnn_classification_tutorial.html, the version
// with the hand-written i2h/h2h/h2o RNN and the manual SGD update), ported line by line from
// examples/py/char-rnn-names.py: the same seed gives the same numbers as PyTorch.
//   npx tsx examples/char-rnn-names.ts

import * as torch from "../src/index.js";
import { isMain } from "./main-module.js";
import { PythonRandom } from "./python-random.js";

const nn = torch.nn;
const F = torch.nn.functional;
const random = new PythonRandom(); // Python's `import random`

// The first names of five of the tutorial's files (data/names/<Language>.txt from
// https://download.pytorch.org/tutorial/data.zip; copied from the copy at
// github.com/Murfin/allennlp_lab4, data/names/, commit a4564be1), ten per language, the accented
// ones kept to exercise unicodeToAscii. In the order glob gives the files (alphabetical).
const NAMES: Record<string, string[]> = {
  Greek: ["Adamidis", "Adamou", "Agelakos", "Akrivopoulos", "Alexandropoulos",
    "Anetakis", "Angelopoulos", "Antimisiaris", "Antipas", "Antonakos"],
  Italian: ["Abandonato", "Abatangelo", "Abatantuono", "Abate", "Abategiovanni",
    "Abatescianni", "Abbà", "Abbadelli", "Abbascia", "Abbatangelo"],
  Japanese: ["Abe", "Abukara", "Adachi", "Aida", "Aihara",
    "Aizawa", "Ajibana", "Akaike", "Akamatsu", "Akatsuka"],
  Polish: ["Adamczak", "Adamczyk", "Andrysiak", "Auttenberg", "Bartosz",
    "Bernard", "Bobienski", "Bosko", "Broż", "Brzezicki"],
  Scottish: ["Smith", "Brown", "Wilson", "Campbell", "Stewart",
    "Thomson", "Robertson", "Anderson", "Macdonald", "Scott"],
};

const allLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + " .,;'"; // string.ascii_letters + " .,;'"
const nLetters = allLetters.length;

// Turn a Unicode string to plain ASCII, thanks to https://stackoverflow.com/a/518232/2809427
function unicodeToAscii(s: string): string {
  return [...s.normalize("NFD")]
    .filter((c) => !/\p{Mn}/u.test(c)
      && allLetters.includes(c))
    .join("");
}

// Build the categoryLines dictionary, a list of names per language
const categoryLines: Record<string, string[]> = {};
const allCategories: string[] = [];

// Read a file and split into lines (here: the embedded list)
function readLines(category: string): string[] {
  return NAMES[category]!.map((line) => unicodeToAscii(line));
}

for (const category of Object.keys(NAMES)) {
  allCategories.push(category);
  const lines = readLines(category);
  categoryLines[category] = lines;
}

const nCategories = allCategories.length;

// Find letter index from allLetters, e.g. "a" = 0
function letterToIndex(letter: string): number {
  return allLetters.indexOf(letter);
}

// Just for demonstration, turn a letter into a <1 x nLetters> Tensor
function letterToTensor(letter: string): torch.Tensor {
  const tensor = torch.zeros(1, nLetters);
  tensor.get(0).set([letterToIndex(letter)], 1);
  return tensor;
}

// Turn a line into a <lineLength x 1 x nLetters>,
// or an array of one-hot letter vectors
function lineToTensor(line: string): torch.Tensor {
  const tensor = torch.zeros(line.length, 1, nLetters);
  [...line].forEach((letter, li) => {
    tensor.get(li).get(0).set([letterToIndex(letter)], 1);
  });
  return tensor;
}

class RNN extends nn.Module {
  hiddenSize: number;
  i2h: torch.nn.Linear;
  h2h: torch.nn.Linear;
  h2o: torch.nn.Linear;
  softmax: torch.nn.LogSoftmax;

  constructor(inputSize: number, hiddenSize: number, outputSize: number) {
    super();

    this.hiddenSize = hiddenSize;

    this.i2h = new nn.Linear(inputSize, hiddenSize);
    this.h2h = new nn.Linear(hiddenSize, hiddenSize);
    this.h2o = new nn.Linear(hiddenSize, outputSize);
    this.softmax = new nn.LogSoftmax({ dim: 1 });
  }

  override forward(input: torch.Tensor, hidden: torch.Tensor): [torch.Tensor, torch.Tensor] {
    hidden = F.tanh(this.i2h.call(input).add(this.h2h.call(hidden)));
    let output = this.h2o.call(hidden);
    output = this.softmax.call(output);
    return [output, hidden];
  }

  initHidden(): torch.Tensor {
    return torch.zeros(1, this.hiddenSize);
  }
}

function categoryFromOutput(output: torch.Tensor): [string, number] {
  const [, topI] = output.topk(1);
  const categoryI = Number(topI.get(0).item());
  return [allCategories[categoryI]!, categoryI];
}

function randomChoice<T>(l: T[]): T {
  return l[random.randint(0, l.length - 1)]!;
}

function randomTrainingExample(): [string, string, torch.Tensor, torch.Tensor] {
  const category = randomChoice(allCategories);
  const line = randomChoice(categoryLines[category]!);
  const categoryTensor = torch.tensor([allCategories.indexOf(category)], { dtype: torch.long });
  const lineTensor = lineToTensor(line);
  return [category, line, categoryTensor, lineTensor];
}

function timeSince(since: number): string {
  const now = performance.now() / 1000;
  let s = now - since;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${m}m ${Math.floor(s)}s`;
}

export interface CharRnnResult {
  /** The loss of each training step. */
  losses: number[];
  /** The fraction of the confusion matrix's examples guessed right. */
  accuracy: number;
}

/**
 * The tutorial's script, `steps` training steps (its nIters: 100000 over all its names), then the
 * confusion matrix over nConfusion random examples.
 */
export function run({ steps = 5000, seed = 0, nConfusion = 1000, verbose = false } = {}): CharRnnResult {
  const nIters = steps;
  torch.manualSeed(seed);
  random.seed(seed);
  if (verbose) {
    console.log(categoryLines["Italian"]!.slice(0, 5));
    console.log(letterToTensor("J").toString());
    console.log(lineToTensor("Jones").size());
  }

  const nHidden = 128;
  const rnn = new RNN(nLetters, nHidden, nCategories);

  const input = lineToTensor("Albert");
  const hidden = torch.zeros(1, nHidden);
  const [output] = rnn.call(input.get(0), hidden);
  if (verbose) {
    console.log(output.toString());
    console.log(categoryFromOutput(output));
    for (let i = 0; i < 10; i++) {
      const [category, line] = randomTrainingExample();
      console.log("category =", category, "/ line =", line);
    }
  }

  const criterion = new nn.NLLLoss();
  const learningRate = 0.005; // If you set this too high, it might explode. If too low, it might not learn

  function train(categoryTensor: torch.Tensor, lineTensor: torch.Tensor): [torch.Tensor, number] {
    let hidden = rnn.initHidden();

    rnn.zeroGrad();

    let output!: torch.Tensor;
    for (let i = 0; i < lineTensor.size()[0]!; i++) {
      [output, hidden] = rnn.call(lineTensor.get(i), hidden);
    }

    const loss = criterion.call(output, categoryTensor);
    loss.backward();

    // Add parameters' gradients to their values, multiplied by learning rate
    for (const p of rnn.parameters()) {
      p.data.add_(p.grad!.data, { alpha: -learningRate });
    }

    return [output, Number(loss.item())];
  }

  const printEvery = Math.max(1, Math.floor(nIters / 10));
  const plotEvery = Math.max(1, Math.floor(nIters / 50));

  // Keep track of losses for plotting
  let currentLoss = 0;
  const allLosses: number[] = [];
  const losses: number[] = [];

  const start = performance.now() / 1000;

  for (let iter = 1; iter <= nIters; iter++) {
    const [category, line, categoryTensor, lineTensor] = randomTrainingExample();
    const [output, loss] = train(categoryTensor, lineTensor);
    currentLoss += loss;
    losses.push(loss);

    // Print iter number, loss, name and guess
    if (verbose && iter % printEvery === 0) {
      const [guess] = categoryFromOutput(output);
      const correct = guess === category ? "✓" : `✗ (${category})`;
      console.log(`${iter} ${Math.floor(iter / nIters * 100)}% (${timeSince(start)}) ${loss.toFixed(4)} ${line} / ${guess} ${correct}`);
    }

    // Add current loss avg to list of losses
    if (iter % plotEvery === 0) {
      allLosses.push(currentLoss / plotEvery);
      currentLoss = 0;
    }
  }

  // Keep track of correct guesses in a confusion matrix
  const confusion = torch.zeros(nCategories, nCategories);

  // Just return an output given a line
  function evaluate(lineTensor: torch.Tensor): torch.Tensor {
    let hidden = rnn.initHidden();

    let output!: torch.Tensor;
    for (let i = 0; i < lineTensor.size()[0]!; i++) {
      [output, hidden] = rnn.call(lineTensor.get(i), hidden);
    }

    return output;
  }

  // Go through a bunch of examples and record which are correctly guessed
  for (let i = 0; i < nConfusion; i++) {
    const [category, , , lineTensor] = randomTrainingExample();
    const output = evaluate(lineTensor);
    const [, guessI] = categoryFromOutput(output);
    const categoryI = allCategories.indexOf(category);
    confusion.get(categoryI).get(guessI).add_(1); // confusion[category_i][guess_i] += 1
  }
  const accuracy = Number(confusion.diag().sum().item()) / nConfusion;

  // Normalize by dividing every row by its sum
  for (let i = 0; i < nCategories; i++) {
    confusion.set([i], confusion.get(i).div(confusion.get(i).sum()));
  }

  function predict(inputLine: string, nPredictions = 3): void {
    console.log(`\n> ${inputLine}`);
    torch.noGrad(() => {
      const output = evaluate(lineToTensor(inputLine));

      // Get top N categories
      const [topv, topi] = output.topk(nPredictions, 1, true);
      const predictions: [number, string][] = [];

      for (let i = 0; i < nPredictions; i++) {
        const value = Number(topv.get(0).get(i).item());
        const categoryIndex = Number(topi.get(0).get(i).item());
        console.log(`(${value.toFixed(2)}) ${allCategories[categoryIndex]}`);
        predictions.push([value, allCategories[categoryIndex]!]);
      }
    });
  }

  if (verbose) {
    console.log(confusion.toString());
    console.log(`accuracy ${accuracy.toFixed(4)}`);
    predict("Dovesky");
    predict("Jackson");
    predict("Satoshi");
  }
  return { losses, accuracy };
}

if (isMain(import.meta.url)) run({ verbose: true });
