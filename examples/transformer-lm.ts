// PyTorch's tutorial "Language Modeling with nn.Transformer and torchtext"
// (https://pytorch.org/tutorials/beginner/transformer_tutorial.html), ported line by line from
// examples/py/transformer-lm.py: on a small embedded public-domain text instead of WikiText-2 and
// with small sizes; the same seed gives the same numbers as PyTorch.
//   npx tsx examples/transformer-lm.ts

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../src/index.js";
import { isMain } from "./main-module.js";

const nn = torch.nn;
const { TransformerEncoder, TransformerEncoderLayer } = torch.nn;
type Tensor = torch.Tensor;

class TransformerModel extends nn.Module {
  modelType: string;
  posEncoder: PositionalEncoding;
  transformerEncoder: torch.nn.TransformerEncoder;
  encoder: torch.nn.Embedding;
  dModel: number;
  decoder: torch.nn.Linear;

  constructor(ntoken: number, dModel: number, nhead: number, dHid: number,
    nlayers: number, dropout = 0.5) {
    super();
    this.modelType = "Transformer";
    this.posEncoder = new PositionalEncoding(dModel, dropout);
    const encoderLayers = new TransformerEncoderLayer(dModel, nhead, dHid, dropout);
    this.transformerEncoder = new TransformerEncoder(encoderLayers, nlayers);
    this.encoder = new nn.Embedding(ntoken, dModel);
    this.dModel = dModel;
    this.decoder = new nn.Linear(dModel, ntoken);

    this.initWeights();
  }

  initWeights(): void {
    const initrange = 0.1;
    this.encoder.weight.data.uniform_(-initrange, initrange);
    this.decoder.bias!.data.zero_();
    this.decoder.weight.data.uniform_(-initrange, initrange);
  }

  /**
   * src: Tensor, shape [seq_len, batch_size]; srcMask: Tensor, shape [seq_len, seq_len].
   * Returns the output of shape [seq_len, batch_size, ntoken].
   */
  override forward(src: Tensor, srcMask: Tensor): Tensor {
    src = this.encoder.call(src).mul(Math.sqrt(this.dModel));
    src = this.posEncoder.call(src);
    let output = this.transformerEncoder.call(src, srcMask);
    output = this.decoder.call(output);
    return output;
  }
}

/** Generates an upper-triangular matrix of -inf, with zeros on diag. */
function generateSquareSubsequentMask(sz: number): Tensor {
  return torch.triu(torch.ones(sz, sz).mul(-Infinity), { diagonal: 1 });
}

class PositionalEncoding extends nn.Module {
  dropout: torch.nn.Dropout;
  declare pe: Tensor;

  constructor(dModel: number, dropout = 0.1, maxLen = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });

    const position = torch.arange(maxLen).unsqueeze(1);
    const divTerm = torch.exp(torch.arange(0, dModel, 2).mul(-Math.log(10000.0) / dModel));
    const pe = torch.zeros(maxLen, 1, dModel);
    pe.set([":", 0, "0::2"], torch.sin(position.mul(divTerm)));
    pe.set([":", 0, "1::2"], torch.cos(position.mul(divTerm)));
    this.registerBuffer("pe", pe);
  }

  /** x: Tensor, shape [seq_len, batch_size, embedding_dim]. */
  override forward(x: Tensor): Tensor {
    x = x.add(this.pe.get(`:${x.size(0)}`));
    return this.dropout.call(x);
  }
}

// The data: the opening of Lewis Carroll's "Alice's Adventures in Wonderland" (1865, public
// domain), one paragraph per line as WikiText-2 has; the first six paragraphs train, the next one
// validates, the last one tests.
const TEXT = [
  "Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to do: once or twice she had peeped into the book her sister was reading, but it had no pictures or conversations in it, \"and what is the use of a book,\" thought Alice \"without pictures or conversations?\"",
  "So she was considering in her own mind (as well as she could, for the hot day made her feel very sleepy and stupid), whether the pleasure of making a daisy-chain would be worth the trouble of getting up and picking the daisies, when suddenly a White Rabbit with pink eyes ran close by her.",
  "There was nothing so very remarkable in that; nor did Alice think it so very much out of the way to hear the Rabbit say to itself, \"Oh dear! Oh dear! I shall be late!\" (when she thought it over afterwards, it occurred to her that she ought to have wondered at this, but at the time it all seemed quite natural); but when the Rabbit actually took a watch out of its waistcoat-pocket, and looked at it, and then hurried on, Alice started to her feet, for it flashed across her mind that she had never before seen a rabbit with either a waistcoat-pocket, or a watch to take out of it, and burning with curiosity, she ran across the field after it, and fortunately was just in time to see it pop down a large rabbit-hole under the hedge.",
  "In another moment down went Alice after it, never once considering how in the world she was to get out again.",
  "The rabbit-hole went straight on like a tunnel for some way, and then dipped suddenly down, so suddenly that Alice had not a moment to think about stopping herself before she found herself falling down a very deep well.",
  "Either the well was very deep, or she fell very slowly, for she had plenty of time as she went down to look about her and to wonder what was going to happen next. First, she tried to look down and make out what she was coming to, but it was too dark to see anything; then she looked at the sides of the well, and noticed that they were filled with cupboards and book-shelves; here and there she saw maps and pictures hung upon pegs. She took down a jar from one of the shelves as she passed; it was labelled \"ORANGE MARMALADE\", but to her great disappointment it was empty: she did not like to drop the jar for fear of killing somebody underneath, so managed to put it into one of the cupboards as she fell past it.",
  "\"Well!\" thought Alice to herself, \"after such a fall as this, I shall think nothing of tumbling down stairs! How brave they'll all think me at home! Why, I wouldn't say anything about it, even if I fell off the top of the house!\" (Which was very likely true.)",
  "Down, down, down. Would the fall never come to an end? \"I wonder how many miles I've fallen by this time?\" she said aloud. \"I must be getting somewhere near the centre of the earth. Let me see: that would be four thousand miles down, I think--\" (for, you see, Alice had learnt several things of this sort in her lessons in the schoolroom, and though this was not a very good opportunity for showing off her knowledge, as there was no one to listen to her, still it was good practice to say it over) \"--yes, that's about the right distance--but then I wonder what Latitude or Longitude I've got to?\" (Alice had no idea what Latitude was, or Longitude either, but thought they were nice grand words to say.)",
];

/** Stands for torchtext.datasets.WikiText2(split=...): an iterator over the split's lines. */
function AliceText(split = "train"): IterableIterator<string> {
  return ({ train: TEXT.slice(0, 6), valid: TEXT.slice(6, 7), test: TEXT.slice(7) } as Record<string, string[]>)[split]!.values();
}

// torchtext's get_tokenizer('basic_english'): lower case, punctuation split off, split on spaces.
const _patterns = [/'/g, /"/g, /\./g, /<br \/>/g, /,/g, /\(/g, /\)/g, /!/g, /\?/g, /;/g, /:/g, /\s+/g];
const _replacements = [" '  ", "", " . ", " ", " , ", " ( ", " ) ", " ! ", " ? ", " ", " ", " "];
const _patternsDict = _patterns.map((p, i) => [p, _replacements[i]!] as const);

function tokenizer(line: string): string[] {
  line = line.toLowerCase();
  for (const [patternRe, replacedStr] of _patternsDict) {
    line = line.replace(patternRe, replacedStr);
  }
  return line.split(" ").filter((t) => t !== "");
}

/** torchtext's Vocab, the part the tutorial uses: vocab.call(tokens), vocab.get(token), vocab.length. */
class Vocab {
  readonly stoi: Map<string, number>;
  defaultIndex: number | null = null;

  constructor(readonly itos: string[]) {
    this.stoi = new Map(itos.map((s, i) => [s, i]));
  }

  setDefaultIndex(index: number | null): void {
    this.defaultIndex = index;
  }

  get(token: string): number {
    const i = this.stoi.get(token) ?? this.defaultIndex;
    if (i === null) throw new Error(`Token ${token} not found and default index is not set`);
    return i;
  }

  call(tokens: string[]): number[] {
    return tokens.map((t) => this.get(t));
  }

  get length(): number {
    return this.itos.length;
  }
}

/** torchtext's: the specials first, then the tokens by decreasing count, ties in string order. */
function buildVocabFromIterator(iterator: Iterable<string[]>, { specials }: { specials: string[] }): Vocab {
  const counter = new Map<string, number>();
  for (const tokens of iterator) {
    for (const t of tokens) counter.set(t, (counter.get(t) ?? 0) + 1);
  }
  const ordered = [...counter].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Vocab([...specials, ...ordered.map(([t]) => t).filter((t) => !specials.includes(t))]);
}

let trainIter = AliceText("train");
const vocab = buildVocabFromIterator(Array.from(trainIter, tokenizer), { specials: ["<unk>"] });
vocab.setDefaultIndex(vocab.get("<unk>"));

/** Converts raw text into a flat Tensor. */
function dataProcess(rawTextIter: Iterable<string>): Tensor {
  const data = Array.from(rawTextIter, (item) => torch.tensor(vocab.call(tokenizer(item)), { dtype: torch.long }));
  return torch.cat(data.filter((t) => t.numel() > 0));
}

// trainIter was "consumed" by the process of building the vocab,
// so we have to create it again
trainIter = AliceText("train");
const [valIter, testIter] = [AliceText("valid"), AliceText("test")];
let trainData = dataProcess(trainIter);
let valData = dataProcess(valIter);
let testData = dataProcess(testIter);

const device = torch.device("cpu");

/**
 * Divides the data into bsz separate sequences, removing extra elements that wouldn't cleanly fit.
 * data: Tensor, shape [N]; bsz: batch size. Returns a Tensor of shape [N // bsz, bsz].
 */
function batchify(data: Tensor, bsz: number): Tensor {
  const seqLen = Math.floor(data.size(0) / bsz);
  data = data.get(`:${seqLen * bsz}`);
  data = data.view(bsz, seqLen).t().contiguous();
  return data.to(device);
}

const batchSize = 4;
const evalBatchSize = 2;
trainData = batchify(trainData, batchSize); // shape [seq_len, batch_size]
valData = batchify(valData, evalBatchSize);
testData = batchify(testData, evalBatchSize);

const bptt = 8;
/**
 * source: Tensor, shape [full_seq_len, batch_size]. Returns [data, target], where data has shape
 * [seq_len, batch_size] and target has shape [seq_len * batch_size].
 */
function getBatch(source: Tensor, i: number): [Tensor, Tensor] {
  const seqLen = Math.min(bptt, source.length - 1 - i);
  const data = source.get(`${i}:${i + seqLen}`);
  const target = source.get(`${i + 1}:${i + 1 + seqLen}`).reshape(-1);
  return [data, target];
}

const ntokens = vocab.length; // size of vocabulary
const emsize = 32; // embedding dimension
const dHid = 64; // dimension of the feedforward network model in nn.TransformerEncoder
const nlayers = 2; // number of nn.TransformerEncoderLayer in nn.TransformerEncoder
const nhead = 2; // number of heads in nn.MultiheadAttention
const dropout = 0.2; // dropout probability

/** Python's format spec `{x:W.Pf}` (`{x:Wd}` without digits). */
function fmt(x: number, width: number, digits?: number): string {
  return (digits === undefined ? String(x) : x.toFixed(digits)).padStart(width);
}

export interface TransformerLmResult {
  /** The loss of each training step. */
  losses: number[];
  /** The validation loss after each epoch. */
  valLosses: number[];
  /** The best model's loss on the test text. */
  testLoss: number;
}

/**
 * The tutorial's script: `epochs` epochs (each ends with an evaluation on the validation text), at
 * most `steps` training steps in all, then the best model on the test text.
 */
export function run({ epochs = 3, steps = null as number | null, seed = 0, verbose = false } = {}): TransformerLmResult {
  torch.manualSeed(seed);
  const model = new TransformerModel(ntokens, emsize, nhead, dHid, nlayers, dropout).to(device);

  const criterion = new nn.CrossEntropyLoss();
  const lr = 5.0; // learning rate
  const optimizer = new torch.optim.SGD(model.parameters(), { lr });
  const scheduler = new torch.optim.lrScheduler.StepLR(optimizer, 1.0, { gamma: 0.95 });
  const losses: number[] = [];
  let epoch = 0;

  function train(model: TransformerModel): void {
    model.train(); // turn on train mode
    let totalLoss = 0;
    const logInterval = 4;
    let startTime = performance.now();
    let srcMask = generateSquareSubsequentMask(bptt).to(device);

    const numBatches = Math.floor(trainData.length / bptt);
    for (let batch = 0, i = 0; i < trainData.size(0) - 1; batch++, i += bptt) {
      if (losses.length === steps) break;
      const [data, targets] = getBatch(trainData, i);
      const seqLen = data.size(0);
      if (seqLen !== bptt) { // only on last batch
        srcMask = srcMask.get(`:${seqLen}`, `:${seqLen}`);
      }
      const output = model.call(data, srcMask);
      const loss = criterion.call(output.view(-1, ntokens), targets);

      optimizer.zeroGrad();
      loss.backward();
      torch.nn.utils.clipGradNorm_(model.parameters(), 0.5);
      optimizer.step();

      totalLoss += Number(loss.item());
      losses.push(Number(loss.item()));
      if (verbose && batch % logInterval === 0 && batch > 0) {
        const lr = scheduler.getLastLr()[0]!;
        const msPerBatch = (performance.now() - startTime) / logInterval;
        const curLoss = totalLoss / logInterval;
        const ppl = Math.exp(curLoss);
        console.log(`| epoch ${fmt(epoch, 3)} | ${fmt(batch, 5)}/${fmt(numBatches, 5)} batches | `
          + `lr ${fmt(lr, 2, 2)} | ms/batch ${fmt(msPerBatch, 5, 2)} | `
          + `loss ${fmt(curLoss, 5, 2)} | ppl ${fmt(ppl, 8, 2)}`);
        totalLoss = 0;
        startTime = performance.now();
      }
    }
  }

  function evaluate(model: TransformerModel, evalData: Tensor): number {
    model.eval(); // turn on evaluation mode
    let totalLoss = 0;
    let srcMask = generateSquareSubsequentMask(bptt).to(device);
    torch.noGrad(() => {
      for (let i = 0; i < evalData.size(0) - 1; i += bptt) {
        const [data, targets] = getBatch(evalData, i);
        const seqLen = data.size(0);
        if (seqLen !== bptt) {
          srcMask = srcMask.get(`:${seqLen}`, `:${seqLen}`);
        }
        const output = model.call(data, srcMask);
        const outputFlat = output.view(-1, ntokens);
        totalLoss += seqLen * Number(criterion.call(outputFlat, targets).item());
      }
    });
    return totalLoss / (evalData.length - 1);
  }

  let bestValLoss = Infinity;
  const valLosses: number[] = [];

  const tempdir = mkdtempSync(join(tmpdir(), "transformer-lm-"));
  try {
    const bestModelParamsPath = join(tempdir, "best_model_params.pt");

    for (epoch = 1; epoch <= epochs; epoch++) {
      const epochStartTime = performance.now();
      train(model);
      const valLoss = evaluate(model, valData);
      valLosses.push(valLoss);
      const valPpl = Math.exp(valLoss);
      const elapsed = (performance.now() - epochStartTime) / 1000;
      if (verbose) {
        console.log("-".repeat(89));
        console.log(`| end of epoch ${fmt(epoch, 3)} | time: ${fmt(elapsed, 5, 2)}s | `
          + `valid loss ${fmt(valLoss, 5, 2)} | valid ppl ${fmt(valPpl, 8, 2)}`);
        console.log("-".repeat(89));
      }

      if (valLoss < bestValLoss) {
        bestValLoss = valLoss;
        torch.save(model.stateDict(), bestModelParamsPath);
      }

      scheduler.step();
    }
    model.loadStateDict(torch.load(bestModelParamsPath)); // load best model states
  } finally {
    rmSync(tempdir, { recursive: true, force: true });
  }

  const testLoss = evaluate(model, testData);
  const testPpl = Math.exp(testLoss);
  if (verbose) {
    console.log("=".repeat(89));
    console.log(`| End of training | test loss ${fmt(testLoss, 5, 2)} | `
      + `test ppl ${fmt(testPpl, 8, 2)}`);
    console.log("=".repeat(89));
  }
  return { losses, valLosses, testLoss };
}

if (isMain(import.meta.url)) {
  console.log(`${ntokens} words in the vocabulary, ${trainData.size(0)} x ${batchSize} training tokens`);
  run({ verbose: true });
}
