// PyTorch's tutorial "Sequence Models and Long Short-Term Memory Networks"
// (https://pytorch.org/tutorials/beginner/nlp/sequence_models_tutorial.html), ported line by line
// from examples/py/lstm-tagger.py: the same seed gives the same numbers as PyTorch.
//   npx tsx examples/lstm-tagger.ts

import * as torch from "../src/index.js";
import { isMain } from "./main-module.js";

const nn = torch.nn;
const F = torch.nn.functional;
const optim = torch.optim;

/** The tutorial's first section: an LSTM stepped one element at a time, then the whole sequence. */
function lstmIntro(verbose = true): [torch.Tensor, [torch.Tensor, torch.Tensor]] {
  const lstm = new nn.LSTM(3, 3); // Input dim is 3, output dim is 3
  const inputs = Array.from({ length: 5 }, () => torch.randn(1, 3)); // make a sequence of length 5

  // initialize the hidden state.
  let hidden: [torch.Tensor, torch.Tensor] = [torch.randn(1, 1, 3),
    torch.randn(1, 1, 3)];
  let out: torch.Tensor;
  for (const i of inputs) {
    // Step through the sequence one element at a time.
    // after each step, hidden contains the hidden state.
    [out, hidden] = lstm.call(i.view(1, 1, -1), hidden);
  }

  // alternatively, we can do the entire sequence all at once.
  const inputsAll = torch.cat(inputs).view(inputs.length, 1, -1);
  hidden = [torch.randn(1, 1, 3), torch.randn(1, 1, 3)]; // clean out hidden state
  [out, hidden] = lstm.call(inputsAll, hidden);
  if (verbose) {
    console.log(out.toString());
    console.log(`(${hidden[0].toString()}, ${hidden[1].toString()})`);
  }
  return [out, hidden];
}

function prepareSequence(seq: string[], toIx: Map<string, number>): torch.Tensor {
  const idxs = seq.map((w) => toIx.get(w)!);
  return torch.tensor(idxs, { dtype: torch.long });
}

export const trainingData: [string[], string[]][] = [
  // Tags are: DET - determiner; NN - noun; V - verb
  // For example, the word "The" is a determiner
  ["The dog ate the apple".split(" "), ["DET", "NN", "V", "DET", "NN"]],
  ["Everybody read that book".split(" "), ["NN", "V", "DET", "NN"]],
];
const wordToIx = new Map<string, number>();
// For each words-list (sentence) and tags-list in each tuple of trainingData
for (const [sent] of trainingData) {
  for (const word of sent) {
    if (!wordToIx.has(word)) { // word has not been assigned an index yet
      wordToIx.set(word, wordToIx.size); // Assign each word with a unique index
    }
  }
}
const tagToIx = new Map([["DET", 0], ["NN", 1], ["V", 2]]); // Assign each tag with a unique index

// These will usually be more like 32 or 64 dimensional.
// We will keep them small, so we can see how the weights change as we train.
const EMBEDDING_DIM = 6;
const HIDDEN_DIM = 6;

class LSTMTagger extends nn.Module {
  hiddenDim: number;
  wordEmbeddings: torch.nn.Embedding;
  lstm: torch.nn.LSTM;
  hidden2tag: torch.nn.Linear;

  constructor(embeddingDim: number, hiddenDim: number, vocabSize: number, tagsetSize: number) {
    super();
    this.hiddenDim = hiddenDim;

    this.wordEmbeddings = new nn.Embedding(vocabSize, embeddingDim);

    // The LSTM takes word embeddings as inputs, and outputs hidden states
    // with dimensionality hiddenDim.
    this.lstm = new nn.LSTM(embeddingDim, hiddenDim);

    // The linear layer that maps from hidden state space to tag space
    this.hidden2tag = new nn.Linear(hiddenDim, tagsetSize);
  }

  override forward(sentence: torch.Tensor): torch.Tensor {
    const embeds = this.wordEmbeddings.call(sentence);
    const [lstmOut] = this.lstm.call(embeds.view(sentence.length, 1, -1)) as [torch.Tensor, unknown];
    const tagSpace = this.hidden2tag.call(lstmOut.view(sentence.length, -1));
    const tagScores = F.logSoftmax(tagSpace, { dim: 1 });
    return tagScores;
  }
}

export interface TaggerResult {
  /** The loss of each training step. */
  losses: number[];
  /** The intro LSTM's output over the whole sequence, flattened. */
  intro: number[];
  /** The tag scores of the first sentence after training (the tutorial's last print). */
  tagScores: number[][];
}

/** The tutorial's script: 300 epochs over the two sentences (600 steps) unless `steps` says fewer. */
export function run({ steps = 600, seed = 1, verbose = false } = {}): TaggerResult {
  torch.manualSeed(seed);
  const [introOut] = lstmIntro(verbose);
  if (verbose) console.log(Object.fromEntries(wordToIx));

  const model = new LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, wordToIx.size, tagToIx.size);
  const lossFunction = new nn.NLLLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });

  // See what the scores are before training
  // Note that element i,j of the output is the score for tag j for word i.
  // Here we don't need to train, so the code is wrapped in torch.noGrad()
  torch.noGrad(() => {
    const inputs = prepareSequence(trainingData[0]![0], wordToIx);
    const tagScores = model.call(inputs);
    if (verbose) console.log(tagScores.toString());
  });

  const losses: number[] = [];
  for (let epoch = 0; epoch < 300; epoch++) { // again, normally you would NOT do 300 epochs, it is toy data
    for (const [sentence, tags] of trainingData) {
      if (losses.length === steps) break;
      // Step 1. Remember that PyTorch accumulates gradients.
      // We need to clear them out before each instance
      model.zeroGrad();

      // Step 2. Get our inputs ready for the network, that is, turn them into
      // Tensors of word indices.
      const sentenceIn = prepareSequence(sentence, wordToIx);
      const targets = prepareSequence(tags, tagToIx);

      // Step 3. Run our forward pass.
      const tagScores = model.call(sentenceIn);

      // Step 4. Compute the loss, gradients, and update the parameters by
      //  calling optimizer.step()
      const loss = lossFunction.call(tagScores, targets);
      loss.backward();
      optimizer.step();
      losses.push(Number(loss.item()));
    }
  }

  // See what the scores are after training
  const tagScores = torch.noGrad(() => {
    const inputs = prepareSequence(trainingData[0]![0], wordToIx);
    const tagScores = model.call(inputs);

    // The sentence is "the dog ate the apple".  i,j corresponds to score for tag j
    // for word i. The predicted tag is the maximum scoring tag.
    // Here, we can see the predicted sequence below is 0 1 2 0 1
    // since 0 is index of the maximum value of row 1,
    // 1 is the index of maximum value of row 2, etc.
    // Which is DET NOUN VERB DET NOUN, the correct sequence!
    if (verbose) console.log(tagScores.toString());
    return tagScores;
  });
  return { losses, intro: introOut.flatten().tolist() as number[], tagScores: tagScores.tolist() as number[][] };
}

if (isMain(import.meta.url)) run({ verbose: true });
