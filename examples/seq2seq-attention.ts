// PyTorch's "NLP From Scratch: Translation with a Sequence to Sequence Network and Attention"
// (https://pytorch.org/tutorials/intermediate/seq2seq_translation_tutorial.html: EncoderRNN,
// BahdanauAttention, AttnDecoderRNN, teacher forcing, NLLLoss), ported line by line from
// examples/py/seq2seq-attention.py (42 sentence pairs written into the file instead of the
// tutorial's download; see there): the same seed gives the same numbers.
//   npx tsx examples/seq2seq-attention.ts [--epochs 80]

import * as torch from "../src/index.js";
import { parseArgs } from "node:util";
import { isMain } from "./main-module.js";
import { PythonRandom } from "./python-random.js";

type Tensor = torch.Tensor;
const { nn, optim } = torch;
const F = torch.nn.functional;
const { TensorDataset, DataLoader, RandomSampler } = torch.utils.data;
const random = new PythonRandom(); // Python's `import random`

const device = torch.device("cpu");

// The data: "English<TAB>French" lines, as data/eng-fra.txt has them.
const LINES = [
  "I am cold.\tJ'ai froid.",
  "I am tired.\tJe suis fatigué.",
  "I am hungry.\tJ'ai faim.",
  "I'm happy.\tJe suis heureux.",
  "I'm at home.\tJe suis à la maison.",
  "I am a teacher.\tJe suis professeur.",
  "I'm not afraid.\tJe n'ai pas peur.",
  "I am very busy today.\tJe suis très occupé aujourd'hui.",
  "He is tall.\tIl est grand.",
  "He is a doctor.\tIl est médecin.",
  "He's my brother.\tC'est mon frère.",
  "He is in the garden.\tIl est dans le jardin.",
  "He's reading a book.\tIl lit un livre.",
  "He is not here.\tIl n'est pas ici.",
  "She is beautiful.\tElle est belle.",
  "She is my sister.\tElle est ma sœur.",
  "She's a good student.\tC'est une bonne étudiante.",
  "She is very kind.\tElle est très gentille.",
  "She is at school.\tElle est à l'école.",
  "She's sleeping.\tElle dort.",
  "You are late.\tVous êtes en retard.",
  "You are right.\tTu as raison.",
  "You're my friend.\tTu es mon ami.",
  "You are very tall.\tTu es très grand.",
  "You're not alone.\tTu n'es pas seul.",
  "We are students.\tNous sommes étudiants.",
  "We are at home.\tNous sommes à la maison.",
  "We're happy.\tNous sommes heureux.",
  "We are tired.\tNous sommes fatigués.",
  "We're going to the beach.\tNous allons à la plage.",
  "They are my friends.\tCe sont mes amis.",
  "They are in the kitchen.\tIls sont dans la cuisine.",
  "They're very young.\tIls sont très jeunes.",
  "They are not here.\tIls ne sont pas ici.",
  "They're eating.\tIls mangent.",
  "I am reading a book.\tJe lis un livre.",
  "He is hungry.\tIl a faim.",
  "She is cold.\tElle a froid.",
  "You are a good teacher.\tVous êtes un bon professeur.",
  "We are not afraid.\tNous n'avons pas peur.",
  "Are you busy?\tEs-tu occupé ?",
  "It is raining.\tIl pleut.",
];

const SOS_token = 0;
const EOS_token = 1;

class Lang {
  word2index: Record<string, number> = {};
  word2count: Record<string, number> = {};
  index2word: Record<number, string> = { 0: "SOS", 1: "EOS" };
  n_words = 2; // Count SOS and EOS

  constructor(readonly name: string) {}

  addSentence(sentence: string): void {
    for (const word of sentence.split(" ")) this.addWord(word);
  }

  addWord(word: string): void {
    if (!(word in this.word2index)) {
      this.word2index[word] = this.n_words;
      this.word2count[word] = 1;
      this.index2word[this.n_words] = word;
      this.n_words += 1;
    } else {
      this.word2count[word]! += 1;
    }
  }
}

// Turn a Unicode string to plain ASCII, thanks to
// https://stackoverflow.com/a/518232/2809427
function unicodeToAscii(s: string): string {
  return [...s.normalize("NFD")]
    .filter((c) => !/\p{Mn}/u.test(c))
    .join("");
}

// Lowercase, trim, and remove non-letter characters
function normalizeString(s: string): string {
  s = unicodeToAscii(s.toLowerCase().trim());
  s = s.replace(/([.!?])/g, " $1");
  s = s.replace(/[^a-zA-Z!?]+/g, " ");
  return s.trim();
}

function readLangs(lang1: string, lang2: string, reverse = false, verbose = true): [Lang, Lang, string[][]] {
  if (verbose) console.log("Reading lines...");

  // Read the file and split into lines (here: the lines above)
  const lines = LINES;

  // Split every line into pairs and normalize
  let pairs = lines.map((l) => l.split("\t").map((s) => normalizeString(s)));

  // Reverse pairs, make Lang instances
  let inputLang: Lang, outputLang: Lang;
  if (reverse) {
    pairs = pairs.map((p) => [...p].reverse());
    inputLang = new Lang(lang2);
    outputLang = new Lang(lang1);
  } else {
    inputLang = new Lang(lang1);
    outputLang = new Lang(lang2);
  }

  return [inputLang, outputLang, pairs];
}

const MAX_LENGTH = 10;

const engPrefixes = [
  "i am ", "i m ",
  "he is", "he s ",
  "she is", "she s ",
  "you are", "you re ",
  "we are", "we re ",
  "they are", "they re ",
];

function filterPair(p: string[]): boolean {
  return p[0]!.split(" ").length < MAX_LENGTH &&
    p[1]!.split(" ").length < MAX_LENGTH &&
    engPrefixes.some((prefix) => p[1]!.startsWith(prefix));
}

function filterPairs(pairs: string[][]): string[][] {
  return pairs.filter((pair) => filterPair(pair));
}

function prepareData(lang1: string, lang2: string, reverse = false, verbose = true): [Lang, Lang, string[][]] {
  let [inputLang, outputLang, pairs] = readLangs(lang1, lang2, reverse, verbose);
  if (verbose) console.log(`Read ${pairs.length} sentence pairs`);
  pairs = filterPairs(pairs);
  if (verbose) {
    console.log(`Trimmed to ${pairs.length} sentence pairs`);
    console.log("Counting words...");
  }
  for (const pair of pairs) {
    inputLang.addSentence(pair[0]!);
    outputLang.addSentence(pair[1]!);
  }
  if (verbose) {
    console.log("Counted words:");
    console.log(inputLang.name, inputLang.n_words);
    console.log(outputLang.name, outputLang.n_words);
  }
  return [inputLang, outputLang, pairs];
}

export class EncoderRNN extends nn.Module {
  hiddenSize: number;
  embedding: torch.nn.Embedding;
  gru: torch.nn.GRU;
  dropout: torch.nn.Dropout;

  constructor(inputSize: number, hiddenSize: number, dropoutP = 0.1) {
    super();
    this.hiddenSize = hiddenSize;

    this.embedding = new nn.Embedding(inputSize, hiddenSize);
    this.gru = new nn.GRU(hiddenSize, hiddenSize, { batchFirst: true });
    this.dropout = new nn.Dropout(dropoutP);
  }

  override forward(input: Tensor): [Tensor, Tensor] {
    const embedded = this.dropout.call(this.embedding.call(input));
    const [output, hidden] = this.gru.call(embedded) as [Tensor, Tensor]; // GRU's output may be a PackedSequence
    return [output, hidden];
  }
}

export class BahdanauAttention extends nn.Module {
  Wa: torch.nn.Linear;
  Ua: torch.nn.Linear;
  Va: torch.nn.Linear;

  constructor(hiddenSize: number) {
    super();
    this.Wa = new nn.Linear(hiddenSize, hiddenSize);
    this.Ua = new nn.Linear(hiddenSize, hiddenSize);
    this.Va = new nn.Linear(hiddenSize, 1);
  }

  override forward(query: Tensor, keys: Tensor): [Tensor, Tensor] {
    let scores = this.Va.call(torch.tanh(this.Wa.call(query).add(this.Ua.call(keys))));
    scores = scores.squeeze(2).unsqueeze(1);

    const weights = F.softmax(scores, { dim: -1 });
    const context = torch.bmm(weights, keys);

    return [context, weights];
  }
}

export class AttnDecoderRNN extends nn.Module {
  embedding: torch.nn.Embedding;
  attention: BahdanauAttention;
  gru: torch.nn.GRU;
  out: torch.nn.Linear;
  dropout: torch.nn.Dropout;

  constructor(hiddenSize: number, outputSize: number, dropoutP = 0.1) {
    super();
    this.embedding = new nn.Embedding(outputSize, hiddenSize);
    this.attention = new BahdanauAttention(hiddenSize);
    this.gru = new nn.GRU(2 * hiddenSize, hiddenSize, { batchFirst: true });
    this.out = new nn.Linear(hiddenSize, outputSize);
    this.dropout = new nn.Dropout(dropoutP);
  }

  override forward(encoderOutputs: Tensor, encoderHidden: Tensor, targetTensor: Tensor | null = null): [Tensor, Tensor, Tensor] {
    const batchSize = encoderOutputs.size(0);
    let decoderInput = torch.empty(batchSize, 1, { dtype: torch.long, device }).fill_(SOS_token);
    let decoderHidden = encoderHidden;
    const decoderOutputs: Tensor[] = [];
    const attentions: Tensor[] = [];

    for (let i = 0; i < MAX_LENGTH; i++) {
      const [decoderOutput, hidden, attnWeights] = this.forwardStep(decoderInput, decoderHidden, encoderOutputs);
      decoderHidden = hidden;
      decoderOutputs.push(decoderOutput);
      attentions.push(attnWeights);

      if (targetTensor !== null) {
        // Teacher forcing: Feed the target as the next input
        decoderInput = targetTensor.get(":", i).unsqueeze(1); // Teacher forcing
      } else {
        // Without teacher forcing: use its own predictions as the next input
        const [, topi] = decoderOutput.topk(1);
        decoderInput = topi.squeeze(-1).detach(); // detach from history as input
      }
    }

    let outputs = torch.cat(decoderOutputs, { dim: 1 });
    outputs = F.logSoftmax(outputs, { dim: -1 });
    const attention = torch.cat(attentions, { dim: 1 });

    return [outputs, decoderHidden, attention];
  }

  forwardStep(input: Tensor, hidden: Tensor, encoderOutputs: Tensor): [Tensor, Tensor, Tensor] {
    const embedded = this.dropout.call(this.embedding.call(input));

    const query = hidden.permute(1, 0, 2);
    const [context, attnWeights] = this.attention.call(query, encoderOutputs);
    const inputGru = torch.cat([embedded, context], { dim: 2 });

    let [output, newHidden] = this.gru.call(inputGru, hidden) as [Tensor, Tensor];
    output = this.out.call(output);

    return [output, newHidden, attnWeights];
  }
}

function indexesFromSentence(lang: Lang, sentence: string): number[] {
  return sentence.split(" ").map((word) => lang.word2index[word]!);
}

function tensorFromSentence(lang: Lang, sentence: string): Tensor {
  const indexes = indexesFromSentence(lang, sentence);
  indexes.push(EOS_token);
  return torch.tensor(indexes, { dtype: torch.long, device }).view(1, -1);
}

function getDataloader(batchSize: number, verbose = true): [Lang, Lang, string[][], torch.utils.data.DataLoader<torch.utils.data.TensorDataset>] {
  const [inputLang, outputLang, pairs] = prepareData("eng", "fra", true, verbose);

  const n = pairs.length;
  // np.zeros((n, MAX_LENGTH), dtype=np.int32)
  const inputIds = Array.from({ length: n }, () => new Array<number>(MAX_LENGTH).fill(0));
  const targetIds = Array.from({ length: n }, () => new Array<number>(MAX_LENGTH).fill(0));

  pairs.forEach(([inp, tgt], idx) => {
    const inpIds = indexesFromSentence(inputLang, inp!);
    const tgtIds = indexesFromSentence(outputLang, tgt!);
    inpIds.push(EOS_token);
    tgtIds.push(EOS_token);
    inputIds[idx]!.splice(0, inpIds.length, ...inpIds);
    targetIds[idx]!.splice(0, tgtIds.length, ...tgtIds);
  });

  // torch.LongTensor(input_ids)
  const trainData = new TensorDataset(torch.tensor(inputIds, { dtype: torch.long }).to(device),
    torch.tensor(targetIds, { dtype: torch.long }).to(device));

  const trainSampler = new RandomSampler(trainData);
  const trainDataloader = new DataLoader(trainData, { sampler: trainSampler, batchSize });
  return [inputLang, outputLang, pairs, trainDataloader];
}

function trainEpoch(dataloader: torch.utils.data.DataLoader<torch.utils.data.TensorDataset>, encoder: EncoderRNN, decoder: AttnDecoderRNN,
  encoderOptimizer: torch.optim.Optimizer, decoderOptimizer: torch.optim.Optimizer, criterion: torch.nn.NLLLoss): number {
  let totalLoss = 0;
  for (const data of dataloader) {
    const [inputTensor, targetTensor] = data as [Tensor, Tensor];

    encoderOptimizer.zeroGrad();
    decoderOptimizer.zeroGrad();

    const [encoderOutputs, encoderHidden] = encoder.call(inputTensor);
    const [decoderOutputs] = decoder.call(encoderOutputs, encoderHidden, targetTensor);

    const loss = criterion.call(
      decoderOutputs.view(-1, decoderOutputs.size(-1)),
      targetTensor.view(-1),
    );
    loss.backward();

    encoderOptimizer.step();
    decoderOptimizer.step();

    totalLoss += Number(loss.item());
  }

  return totalLoss / dataloader.length;
}

function train(trainDataloader: torch.utils.data.DataLoader<torch.utils.data.TensorDataset>, encoder: EncoderRNN, decoder: AttnDecoderRNN, nEpochs: number,
  learningRate = 0.001, printEvery = 100, verbose = true): number[] {
  const losses: number[] = [];
  let printLossTotal = 0; // Reset every print_every

  const encoderOptimizer = new optim.Adam(encoder.parameters(), { lr: learningRate });
  const decoderOptimizer = new optim.Adam(decoder.parameters(), { lr: learningRate });
  const criterion = new nn.NLLLoss();

  for (let epoch = 1; epoch < nEpochs + 1; epoch++) {
    const loss = trainEpoch(trainDataloader, encoder, decoder, encoderOptimizer, decoderOptimizer, criterion);
    losses.push(loss);
    printLossTotal += loss;

    if (epoch % printEvery === 0) {
      const printLossAvg = printLossTotal / printEvery;
      printLossTotal = 0;
      if (verbose) console.log(`(${epoch} ${Math.trunc(epoch / nEpochs * 100)}%) ${printLossAvg.toFixed(4)}`);
    }
  }
  return losses;
}

function evaluate(encoder: EncoderRNN, decoder: AttnDecoderRNN, sentence: string, inputLang: Lang, outputLang: Lang): [string[], Tensor] {
  return torch.noGrad(() => {
    const inputTensor = tensorFromSentence(inputLang, sentence);

    const [encoderOutputs, encoderHidden] = encoder.call(inputTensor);
    const [decoderOutputs, , decoderAttn] = decoder.call(encoderOutputs, encoderHidden);

    const [, topi] = decoderOutputs.topk(1);
    const decodedIds = topi.squeeze();

    const decodedWords: string[] = [];
    for (const idx of decodedIds) {
      if (Number(idx.item()) === EOS_token) {
        decodedWords.push("<EOS>");
        break;
      }
      decodedWords.push(outputLang.index2word[Number(idx.item())]!);
    }
    return [decodedWords, decoderAttn];
  });
}

type Translation = [string, string, number[][]];

function evaluateRandomly(encoder: EncoderRNN, decoder: AttnDecoderRNN, pairs: string[][], inputLang: Lang, outputLang: Lang,
  n = 10, verbose = true): Translation[] {
  const translations: Translation[] = [];
  for (let i = 0; i < n; i++) {
    const pair = random.choice(pairs);
    const [outputWords, attentions] = evaluate(encoder, decoder, pair[0]!, inputLang, outputLang);
    const outputSentence = outputWords.join(" ");
    translations.push([pair[0]!, outputSentence, attentions.get(0).tolist() as number[][]]);
    if (verbose) {
      console.log(">", pair[0]);
      console.log("=", pair[1]);
      console.log("<", outputSentence);
      console.log("");
    }
  }
  return translations;
}

export interface Seq2seqOptions { nEpochs?: number; seed?: number; nEvaluate?: number; verbose?: boolean }
export interface Seq2seqResult { nPairs: number; nWords: number[]; losses: number[]; translations: Translation[] }

/**
 * Trains as the tutorial does (print_every=5); returns the per-epoch losses and nEvaluate random
 * translations (input, output, and the attention weights: output step x input word).
 */
export function run({ nEpochs = 80, seed = 0, nEvaluate = 10, verbose = true }: Seq2seqOptions = {}): Seq2seqResult {
  random.seed(seed);
  torch.manualSeed(seed);

  const hiddenSize = 128;
  const batchSize = 32;

  const [inputLang, outputLang, pairs, trainDataloader] = getDataloader(batchSize, verbose);
  if (verbose) console.log(random.choice(pairs));

  const encoder = new EncoderRNN(inputLang.n_words, hiddenSize).to(device);
  const decoder = new AttnDecoderRNN(hiddenSize, outputLang.n_words).to(device);

  const losses = train(trainDataloader, encoder, decoder, nEpochs, 0.001, 5, verbose);

  encoder.eval();
  decoder.eval();
  const translations = evaluateRandomly(encoder, decoder, pairs, inputLang, outputLang, nEvaluate, verbose);
  return { nPairs: pairs.length, nWords: [inputLang.n_words, outputLang.n_words], losses, translations };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { epochs: { type: "string", default: "80" } } });
  run({ nEpochs: Number(values.epochs) });
}
