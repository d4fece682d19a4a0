# pytorch/examples vae/main.py (the VAE of Kingma and Welling), on the 8x8 digits that torch-ts
# embeds: 64 inputs instead of MNIST's 784, a 1437/360 train/test split of the 1797 images.
# Everything else is the original: fc1/fc21/fc22/fc3/fc4 (400 hidden units, 20 latent), the
# reparameterization with randn_like, BCE + KLD summed over the batch, Adam lr 1e-3, batch 128,
# shuffled loaders, seed 1. torchvision's save_image is left out (no image files written).
# The TypeScript port, line by line: examples/vae-digits.ts.
#   /usr/bin/python3 examples/py/vae-digits.py [--epochs 10]
import argparse

import torch
import torch.utils.data
from torch import nn, optim
from torch.nn import functional as F

from digits import load_digits


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()

        self.fc1 = nn.Linear(64, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5*logvar)
        eps = torch.randn_like(std)
        return mu + eps*std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


# Reconstruction + KL divergence losses summed over all elements and batch
def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')

    # see Appendix B from VAE paper:
    # Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
    # https://arxiv.org/abs/1312.6114
    # 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())

    return BCE + KLD


def run(epochs=10, batch_size=128, seed=1, log_interval=10, max_batches=None, verbose=True):
    """Trains as the original does; returns the per-step training losses (loss.item() / len(data))
    and the test losses. max_batches cuts each training epoch to that many batches (for tests)."""
    torch.manual_seed(seed)

    images, labels = load_digits()
    train_set = torch.utils.data.TensorDataset(images[:1437], labels[:1437])
    test_set = torch.utils.data.TensorDataset(images[1437:], labels[1437:])
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=batch_size, shuffle=True)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=batch_size, shuffle=True)

    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    losses, test_losses = [], []

    def train(epoch):
        model.train()
        train_loss = 0
        for batch_idx, (data, _) in enumerate(train_loader):
            if max_batches is not None and batch_idx == max_batches:
                break
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
            losses.append(loss.item() / len(data))
            if verbose and batch_idx % log_interval == 0:
                print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader),
                    loss.item() / len(data)))

        if verbose:
            print('====> Epoch: {} Average loss: {:.4f}'.format(
                epoch, train_loss / len(train_loader.dataset)))

    def test(epoch):
        model.eval()
        test_loss = 0
        with torch.no_grad():
            for i, (data, _) in enumerate(test_loader):
                recon_batch, mu, logvar = model(data)
                test_loss += loss_function(recon_batch, data, mu, logvar).item()

        test_loss /= len(test_loader.dataset)
        test_losses.append(test_loss)
        if verbose:
            print('====> Test set loss: {:.4f}'.format(test_loss))

    for epoch in range(1, epochs + 1):
        train(epoch)
        test(epoch)
        with torch.no_grad():
            sample = torch.randn(64, 20)
            sample = model.decode(sample)
    return {"losses": losses, "test_losses": test_losses, "sample_sum": sample.sum().item()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description='VAE digits Example')
    parser.add_argument('--batch-size', type=int, default=128, metavar='N',
                        help='input batch size for training (default: 128)')
    parser.add_argument('--epochs', type=int, default=10, metavar='N',
                        help='number of epochs to train (default: 10)')
    parser.add_argument('--seed', type=int, default=1, metavar='S',
                        help='random seed (default: 1)')
    parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                        help='how many batches to wait before logging training status')
    args = parser.parse_args()
    run(args.epochs, args.batch_size, args.seed, args.log_interval)
