# PyTorch's "NLP From Scratch: Translation with a Sequence to Sequence Network and Attention"
# (https://pytorch.org/tutorials/intermediate/seq2seq_translation_tutorial.html, the version with
# the batched EncoderRNN, BahdanauAttention and AttnDecoderRNN, Adam and a DataLoader), on 42
# English-French pairs written into this file instead of the tutorial's data/eng-fra.txt download
# (135842 pairs): simple sentences in the tutorial's style, most starting with its eng_prefixes (the
# last two are filtered out as the tutorial's filterPairs drops such pairs). Everything else is the
# original: French to English (reverse=True), MAX_LENGTH 10, hidden size 128, batch size 32,
# teacher forcing, NLLLoss, Adam lr 0.001, seeded. matplotlib's plots are left out; run() returns the
# per-epoch losses and the evaluated translations instead. The TypeScript port, line by line:
# examples/seq2seq-attention.ts.
#   /usr/bin/python3 examples/py/seq2seq-attention.py [--epochs 80]
import argparse
import random
import re
import unicodedata

import numpy as np
import torch
import torch.nn as nn
from torch import optim
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, RandomSampler

device = torch.device("cpu")

# The data: "English<TAB>French" lines, as data/eng-fra.txt has them.
LINES = [
    "I am cold.\tJ'ai froid.",
    'I am tired.\tJe suis fatigué.',
    "I am hungry.\tJ'ai faim.",
    "I'm happy.\tJe suis heureux.",
    "I'm at home.\tJe suis à la maison.",
    'I am a teacher.\tJe suis professeur.',
    "I'm not afraid.\tJe n'ai pas peur.",
    "I am very busy today.\tJe suis très occupé aujourd'hui.",
    'He is tall.\tIl est grand.',
    'He is a doctor.\tIl est médecin.',
    "He's my brother.\tC'est mon frère.",
    'He is in the garden.\tIl est dans le jardin.',
    "He's reading a book.\tIl lit un livre.",
    "He is not here.\tIl n'est pas ici.",
    'She is beautiful.\tElle est belle.',
    'She is my sister.\tElle est ma sœur.',
    "She's a good student.\tC'est une bonne étudiante.",
    'She is very kind.\tElle est très gentille.',
    "She is at school.\tElle est à l'école.",
    "She's sleeping.\tElle dort.",
    'You are late.\tVous êtes en retard.',
    'You are right.\tTu as raison.',
    "You're my friend.\tTu es mon ami.",
    'You are very tall.\tTu es très grand.',
    "You're not alone.\tTu n'es pas seul.",
    'We are students.\tNous sommes étudiants.',
    'We are at home.\tNous sommes à la maison.',
    "We're happy.\tNous sommes heureux.",
    'We are tired.\tNous sommes fatigués.',
    "We're going to the beach.\tNous allons à la plage.",
    'They are my friends.\tCe sont mes amis.',
    'They are in the kitchen.\tIls sont dans la cuisine.',
    "They're very young.\tIls sont très jeunes.",
    'They are not here.\tIls ne sont pas ici.',
    "They're eating.\tIls mangent.",
    'I am reading a book.\tJe lis un livre.',
    'He is hungry.\tIl a faim.',
    'She is cold.\tElle a froid.',
    'You are a good teacher.\tVous êtes un bon professeur.',
    "We are not afraid.\tNous n'avons pas peur.",
    'Are you busy?\tEs-tu occupé ?',
    'It is raining.\tIl pleut.'
]

SOS_token = 0
EOS_token = 1


class Lang:
    def __init__(self, name):
        self.name = name
        self.word2index = {}
        self.word2count = {}
        self.index2word = {0: "SOS", 1: "EOS"}
        self.n_words = 2  # Count SOS and EOS

    def addSentence(self, sentence):
        for word in sentence.split(' '):
            self.addWord(word)

    def addWord(self, word):
        if word not in self.word2index:
            self.word2index[word] = self.n_words
            self.word2count[word] = 1
            self.index2word[self.n_words] = word
            self.n_words += 1
        else:
            self.word2count[word] += 1


# Turn a Unicode string to plain ASCII, thanks to
# https://stackoverflow.com/a/518232/2809427
def unicodeToAscii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
    )


# Lowercase, trim, and remove non-letter characters
def normalizeString(s):
    s = unicodeToAscii(s.lower().strip())
    s = re.sub(r"([.!?])", r" \1", s)
    s = re.sub(r"[^a-zA-Z!?]+", r" ", s)
    return s.strip()


def readLangs(lang1, lang2, reverse=False, verbose=True):
    if verbose:
        print("Reading lines...")

    # Read the file and split into lines (here: the lines above)
    lines = LINES

    # Split every line into pairs and normalize
    pairs = [[normalizeString(s) for s in l.split('\t')] for l in lines]

    # Reverse pairs, make Lang instances
    if reverse:
        pairs = [list(reversed(p)) for p in pairs]
        input_lang = Lang(lang2)
        output_lang = Lang(lang1)
    else:
        input_lang = Lang(lang1)
        output_lang = Lang(lang2)

    return input_lang, output_lang, pairs


MAX_LENGTH = 10

eng_prefixes = (
    "i am ", "i m ",
    "he is", "he s ",
    "she is", "she s ",
    "you are", "you re ",
    "we are", "we re ",
    "they are", "they re "
)


def filterPair(p):
    return len(p[0].split(' ')) < MAX_LENGTH and \
        len(p[1].split(' ')) < MAX_LENGTH and \
        p[1].startswith(eng_prefixes)


def filterPairs(pairs):
    return [pair for pair in pairs if filterPair(pair)]


def prepareData(lang1, lang2, reverse=False, verbose=True):
    input_lang, output_lang, pairs = readLangs(lang1, lang2, reverse, verbose)
    if verbose:
        print("Read %s sentence pairs" % len(pairs))
    pairs = filterPairs(pairs)
    if verbose:
        print("Trimmed to %s sentence pairs" % len(pairs))
        print("Counting words...")
    for pair in pairs:
        input_lang.addSentence(pair[0])
        output_lang.addSentence(pair[1])
    if verbose:
        print("Counted words:")
        print(input_lang.name, input_lang.n_words)
        print(output_lang.name, output_lang.n_words)
    return input_lang, output_lang, pairs


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size, dropout_p=0.1):
        super(EncoderRNN, self).__init__()
        self.hidden_size = hidden_size

        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, input):
        embedded = self.dropout(self.embedding(input))
        output, hidden = self.gru(embedded)
        return output, hidden


class BahdanauAttention(nn.Module):
    def __init__(self, hidden_size):
        super(BahdanauAttention, self).__init__()
        self.Wa = nn.Linear(hidden_size, hidden_size)
        self.Ua = nn.Linear(hidden_size, hidden_size)
        self.Va = nn.Linear(hidden_size, 1)

    def forward(self, query, keys):
        scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
        scores = scores.squeeze(2).unsqueeze(1)

        weights = F.softmax(scores, dim=-1)
        context = torch.bmm(weights, keys)

        return context, weights


class AttnDecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size, dropout_p=0.1):
        super(AttnDecoderRNN, self).__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.attention = BahdanauAttention(hidden_size)
        self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)
        self.dropout = nn.Dropout(dropout_p)

    def forward(self, encoder_outputs, encoder_hidden, target_tensor=None):
        batch_size = encoder_outputs.size(0)
        decoder_input = torch.empty(batch_size, 1, dtype=torch.long, device=device).fill_(SOS_token)
        decoder_hidden = encoder_hidden
        decoder_outputs = []
        attentions = []

        for i in range(MAX_LENGTH):
            decoder_output, decoder_hidden, attn_weights = self.forward_step(
                decoder_input, decoder_hidden, encoder_outputs
            )
            decoder_outputs.append(decoder_output)
            attentions.append(attn_weights)

            if target_tensor is not None:
                # Teacher forcing: Feed the target as the next input
                decoder_input = target_tensor[:, i].unsqueeze(1)  # Teacher forcing
            else:
                # Without teacher forcing: use its own predictions as the next input
                _, topi = decoder_output.topk(1)
                decoder_input = topi.squeeze(-1).detach()  # detach from history as input

        decoder_outputs = torch.cat(decoder_outputs, dim=1)
        decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
        attentions = torch.cat(attentions, dim=1)

        return decoder_outputs, decoder_hidden, attentions

    def forward_step(self, input, hidden, encoder_outputs):
        embedded = self.dropout(self.embedding(input))

        query = hidden.permute(1, 0, 2)
        context, attn_weights = self.attention(query, encoder_outputs)
        input_gru = torch.cat((embedded, context), dim=2)

        output, hidden = self.gru(input_gru, hidden)
        output = self.out(output)

        return output, hidden, attn_weights


def indexesFromSentence(lang, sentence):
    return [lang.word2index[word] for word in sentence.split(' ')]


def tensorFromSentence(lang, sentence):
    indexes = indexesFromSentence(lang, sentence)
    indexes.append(EOS_token)
    return torch.tensor(indexes, dtype=torch.long, device=device).view(1, -1)


def get_dataloader(batch_size, verbose=True):
    input_lang, output_lang, pairs = prepareData('eng', 'fra', True, verbose)

    n = len(pairs)
    input_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
    target_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)

    for idx, (inp, tgt) in enumerate(pairs):
        inp_ids = indexesFromSentence(input_lang, inp)
        tgt_ids = indexesFromSentence(output_lang, tgt)
        inp_ids.append(EOS_token)
        tgt_ids.append(EOS_token)
        input_ids[idx, :len(inp_ids)] = inp_ids
        target_ids[idx, :len(tgt_ids)] = tgt_ids

    train_data = TensorDataset(torch.LongTensor(input_ids).to(device),
                               torch.LongTensor(target_ids).to(device))

    train_sampler = RandomSampler(train_data)
    train_dataloader = DataLoader(train_data, sampler=train_sampler, batch_size=batch_size)
    return input_lang, output_lang, pairs, train_dataloader


def train_epoch(dataloader, encoder, decoder, encoder_optimizer,
                decoder_optimizer, criterion):

    total_loss = 0
    for data in dataloader:
        input_tensor, target_tensor = data

        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()

        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)

        loss = criterion(
            decoder_outputs.view(-1, decoder_outputs.size(-1)),
            target_tensor.view(-1)
        )
        loss.backward()

        encoder_optimizer.step()
        decoder_optimizer.step()

        total_loss += loss.item()

    return total_loss / len(dataloader)


def train(train_dataloader, encoder, decoder, n_epochs, learning_rate=0.001,
          print_every=100, verbose=True):
    losses = []
    print_loss_total = 0  # Reset every print_every

    encoder_optimizer = optim.Adam(encoder.parameters(), lr=learning_rate)
    decoder_optimizer = optim.Adam(decoder.parameters(), lr=learning_rate)
    criterion = nn.NLLLoss()

    for epoch in range(1, n_epochs + 1):
        loss = train_epoch(train_dataloader, encoder, decoder, encoder_optimizer, decoder_optimizer, criterion)
        losses.append(loss)
        print_loss_total += loss

        if epoch % print_every == 0:
            print_loss_avg = print_loss_total / print_every
            print_loss_total = 0
            if verbose:
                print('(%d %d%%) %.4f' % (epoch, epoch / n_epochs * 100, print_loss_avg))
    return losses


def evaluate(encoder, decoder, sentence, input_lang, output_lang):
    with torch.no_grad():
        input_tensor = tensorFromSentence(input_lang, sentence)

        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, decoder_hidden, decoder_attn = decoder(encoder_outputs, encoder_hidden)

        _, topi = decoder_outputs.topk(1)
        decoded_ids = topi.squeeze()

        decoded_words = []
        for idx in decoded_ids:
            if idx.item() == EOS_token:
                decoded_words.append('<EOS>')
                break
            decoded_words.append(output_lang.index2word[idx.item()])
    return decoded_words, decoder_attn


def evaluateRandomly(encoder, decoder, pairs, input_lang, output_lang, n=10, verbose=True):
    translations = []
    for i in range(n):
        pair = random.choice(pairs)
        output_words, attentions = evaluate(encoder, decoder, pair[0], input_lang, output_lang)
        output_sentence = ' '.join(output_words)
        translations.append([pair[0], output_sentence, attentions[0].tolist()])
        if verbose:
            print('>', pair[0])
            print('=', pair[1])
            print('<', output_sentence)
            print('')
    return translations


def run(n_epochs=80, seed=0, n_evaluate=10, verbose=True):
    """Trains as the tutorial does (print_every=5); returns the per-epoch losses and n_evaluate
    random translations (input, output, and the attention weights: output step x input word)."""
    random.seed(seed)
    torch.manual_seed(seed)

    hidden_size = 128
    batch_size = 32

    input_lang, output_lang, pairs, train_dataloader = get_dataloader(batch_size, verbose)
    if verbose:
        print(random.choice(pairs))

    encoder = EncoderRNN(input_lang.n_words, hidden_size).to(device)
    decoder = AttnDecoderRNN(hidden_size, output_lang.n_words).to(device)

    losses = train(train_dataloader, encoder, decoder, n_epochs, print_every=5, verbose=verbose)

    encoder.eval()
    decoder.eval()
    translations = evaluateRandomly(encoder, decoder, pairs, input_lang, output_lang, n_evaluate, verbose)
    return {"n_pairs": len(pairs), "n_words": [input_lang.n_words, output_lang.n_words],
            "losses": losses, "translations": translations}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="seq2seq translation with attention")
    parser.add_argument("--epochs", type=int, default=80)
    args = parser.parse_args()
    run(n_epochs=args.epochs)
