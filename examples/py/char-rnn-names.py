# PyTorch's tutorial "NLP From Scratch: Classifying Names with a Character-Level RNN"
# (https://pytorch.org/tutorials/intermediate/char_rnn_classification_tutorial.html, the version
# with the hand-written i2h/h2h/h2o RNN and the manual SGD update), on a small embedded names list
# instead of data/names/*.txt. Written for PyTorch 1.13; seeded (torch.manual_seed and
# random.seed) so that examples/char-rnn-names.ts, its line-by-line port, gives the same numbers.
#   /usr/bin/python3 examples/py/char-rnn-names.py
import math
import random
import string
import time
import unicodedata

import torch
import torch.nn as nn
import torch.nn.functional as F

# The first names of five of the tutorial's files (data/names/<Language>.txt from
# https://download.pytorch.org/tutorial/data.zip; copied from the copy at
# github.com/Murfin/allennlp_lab4, data/names/, commit a4564be1), ten per language, the accented
# ones kept to exercise unicodeToAscii. In the order glob gives the files (alphabetical).
NAMES = {
    "Greek": ["Adamidis", "Adamou", "Agelakos", "Akrivopoulos", "Alexandropoulos",
              "Anetakis", "Angelopoulos", "Antimisiaris", "Antipas", "Antonakos"],
    "Italian": ["Abandonato", "Abatangelo", "Abatantuono", "Abate", "Abategiovanni",
                "Abatescianni", "Abbà", "Abbadelli", "Abbascia", "Abbatangelo"],
    "Japanese": ["Abe", "Abukara", "Adachi", "Aida", "Aihara",
                 "Aizawa", "Ajibana", "Akaike", "Akamatsu", "Akatsuka"],
    "Polish": ["Adamczak", "Adamczyk", "Andrysiak", "Auttenberg", "Bartosz",
               "Bernard", "Bobienski", "Bosko", "Broż", "Brzezicki"],
    "Scottish": ["Smith", "Brown", "Wilson", "Campbell", "Stewart",
                 "Thomson", "Robertson", "Anderson", "Macdonald", "Scott"],
}

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


# Turn a Unicode string to plain ASCII, thanks to https://stackoverflow.com/a/518232/2809427
def unicodeToAscii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
        and c in all_letters
    )


# Build the category_lines dictionary, a list of names per language
category_lines = {}
all_categories = []

# Read a file and split into lines (here: the embedded list)
def readLines(category):
    return [unicodeToAscii(line) for line in NAMES[category]]

for category in NAMES:
    all_categories.append(category)
    lines = readLines(category)
    category_lines[category] = lines

n_categories = len(all_categories)


# Find letter index from all_letters, e.g. "a" = 0
def letterToIndex(letter):
    return all_letters.find(letter)

# Just for demonstration, turn a letter into a <1 x n_letters> Tensor
def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letterToIndex(letter)] = 1
    return tensor

# Turn a line into a <line_length x 1 x n_letters>,
# or an array of one-hot letter vectors
def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()

        self.hidden_size = hidden_size

        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        hidden = F.tanh(self.i2h(input) + self.h2h(hidden))
        output = self.h2o(hidden)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


def randomChoice(l):
    return l[random.randint(0, len(l) - 1)]

def randomTrainingExample():
    category = randomChoice(all_categories)
    line = randomChoice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    line_tensor = lineToTensor(line)
    return category, line, category_tensor, line_tensor


def timeSince(since):
    now = time.time()
    s = now - since
    m = math.floor(s / 60)
    s -= m * 60
    return '%dm %ds' % (m, s)


def run(steps=5000, seed=0, n_confusion=1000, verbose=False):
    """The tutorial's script, `steps` training steps (its n_iters: 100000 over all its names), then
    the confusion matrix over n_confusion random examples. Returns the loss of each step and the
    fraction of those examples guessed right."""
    n_iters = steps
    torch.manual_seed(seed)
    random.seed(seed)
    if verbose:
        print(category_lines['Italian'][:5])
        print(letterToTensor('J'))
        print(lineToTensor('Jones').size())

    n_hidden = 128
    rnn = RNN(n_letters, n_hidden, n_categories)

    input = lineToTensor('Albert')
    hidden = torch.zeros(1, n_hidden)
    output, next_hidden = rnn(input[0], hidden)
    if verbose:
        print(output)
        print(categoryFromOutput(output))
        for i in range(10):
            category, line, category_tensor, line_tensor = randomTrainingExample()
            print('category =', category, '/ line =', line)

    criterion = nn.NLLLoss()
    learning_rate = 0.005  # If you set this too high, it might explode. If too low, it might not learn

    def train(category_tensor, line_tensor):
        hidden = rnn.initHidden()

        rnn.zero_grad()

        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)

        loss = criterion(output, category_tensor)
        loss.backward()

        # Add parameters' gradients to their values, multiplied by learning rate
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)

        return output, loss.item()

    print_every = max(1, n_iters // 10)
    plot_every = max(1, n_iters // 50)

    # Keep track of losses for plotting
    current_loss = 0
    all_losses = []
    losses = []

    start = time.time()

    for iter in range(1, n_iters + 1):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output, loss = train(category_tensor, line_tensor)
        current_loss += loss
        losses.append(loss)

        # Print ``iter`` number, loss, name and guess
        if verbose and iter % print_every == 0:
            guess, guess_i = categoryFromOutput(output)
            correct = '✓' if guess == category else '✗ (%s)' % category
            print('%d %d%% (%s) %.4f %s / %s %s' % (iter, iter / n_iters * 100, timeSince(start), loss, line, guess, correct))

        # Add current loss avg to list of losses
        if iter % plot_every == 0:
            all_losses.append(current_loss / plot_every)
            current_loss = 0

    # Keep track of correct guesses in a confusion matrix
    confusion = torch.zeros(n_categories, n_categories)

    # Just return an output given a line
    def evaluate(line_tensor):
        hidden = rnn.initHidden()

        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)

        return output

    # Go through a bunch of examples and record which are correctly guessed
    for i in range(n_confusion):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output = evaluate(line_tensor)
        guess, guess_i = categoryFromOutput(output)
        category_i = all_categories.index(category)
        confusion[category_i][guess_i] += 1
    accuracy = confusion.diag().sum().item() / n_confusion

    # Normalize by dividing every row by its sum
    for i in range(n_categories):
        confusion[i] = confusion[i] / confusion[i].sum()

    def predict(input_line, n_predictions=3):
        print('\n> %s' % input_line)
        with torch.no_grad():
            output = evaluate(lineToTensor(input_line))

            # Get top N categories
            topv, topi = output.topk(n_predictions, 1, True)
            predictions = []

            for i in range(n_predictions):
                value = topv[0][i].item()
                category_index = topi[0][i].item()
                print('(%.2f) %s' % (value, all_categories[category_index]))
                predictions.append([value, all_categories[category_index]])

    if verbose:
        print(confusion)
        print('accuracy %.4f' % accuracy)
        predict('Dovesky')
        predict('Jackson')
        predict('Satoshi')
    return {"losses": losses, "accuracy": accuracy}


if __name__ == "__main__":
    run(verbose=True)
