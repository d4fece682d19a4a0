# PyTorch's "Spatial Transformer Networks Tutorial"
# (https://pytorch.org/tutorials/intermediate/spatial_transformer_tutorial.html), on the 8x8 digits
# that torch-ts embeds instead of MNIST: each image is scaled up to MNIST's 28x28 (F.interpolate,
# bilinear) so the network is the tutorial's unchanged (the localisation net's 10 * 3 * 3 features
# need 28x28 inputs), then normalized with the tutorial's MNIST mean and std; a 1437/360 train/test
# split of the 1797 images. Everything else is the original: the localisation net and its identity
# initialisation, affine_grid + grid_sample, SGD lr 0.01, batch 64, shuffled loaders. matplotlib's
# visualize_stn is left out: run() returns the sum of the transformed first test batch instead.
# The TypeScript port, line by line: examples/spatial-transformer.ts.
#   /usr/bin/python3 examples/py/spatial-transformer.py [--epochs 20]
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from digits import load_digits

device = torch.device("cpu")


def mnist_like(images):
    """The 8x8 digits as the tutorial's MNIST loader gives them: 28x28, normalized."""
    x = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)
    return (x - 0.1307) / 0.3081  # transforms.Normalize((0.1307,), (0.3081,))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

        # Spatial transformer localization-network
        self.localization = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=7),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(8, 10, kernel_size=5),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True)
        )

        # Regressor for the 3 * 2 affine matrix
        self.fc_loc = nn.Sequential(
            nn.Linear(10 * 3 * 3, 32),
            nn.ReLU(True),
            nn.Linear(32, 3 * 2)
        )

        # Initialize the weights/bias with identity transformation
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    # Spatial transformer network forward function
    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 10 * 3 * 3)
        theta = self.fc_loc(xs)
        theta = theta.view(-1, 2, 3)

        grid = F.affine_grid(theta, x.size())
        x = F.grid_sample(x, grid)

        return x

    def forward(self, x):
        # transform the input
        x = self.stn(x)

        # Perform the usual forward pass
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def run(epochs=20, seed=0, max_batches=None, verbose=True):
    """Trains and tests as the tutorial does; returns the per-step training losses, the test loss
    and accuracy after each epoch, and the sum of the STN's output on the first test batch.
    max_batches cuts each training epoch to that many batches (for tests)."""
    torch.manual_seed(seed)

    images, labels = load_digits()
    images = mnist_like(images)
    # Training dataset
    train_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images[:1437], labels[:1437]), batch_size=64, shuffle=True)
    # Test dataset
    test_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images[1437:], labels[1437:]), batch_size=64, shuffle=True)

    model = Net().to(device)

    optimizer = optim.SGD(model.parameters(), lr=0.01)
    losses, test_losses, accuracies = [], [], []

    def train(epoch):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            if max_batches is not None and batch_idx == max_batches:
                break
            data, target = data.to(device), target.to(device)

            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if verbose and batch_idx % 500 == 0:
                print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader), loss.item()))

    # A simple test procedure to measure the STN performances on the digits.
    def test():
        with torch.no_grad():
            model.eval()
            test_loss = 0
            correct = 0
            for data, target in test_loader:
                data, target = data.to(device), target.to(device)
                output = model(data)

                # sum up batch loss
                test_loss += F.nll_loss(output, target, reduction='sum').item()
                # get the index of the max log-probability
                pred = output.max(1, keepdim=True)[1]
                correct += pred.eq(target.view_as(pred)).sum().item()

            test_loss /= len(test_loader.dataset)
            test_losses.append(test_loss)
            accuracies.append(correct)
            if verbose:
                print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'
                      .format(test_loss, correct, len(test_loader.dataset),
                              100. * correct / len(test_loader.dataset)))

    for epoch in range(1, epochs + 1):
        train(epoch)
        test()

    # Visualizing the STN results (here: the transformed batch's sum)
    with torch.no_grad():
        # Get a batch of training data
        data = next(iter(test_loader))[0].to(device)

        input_tensor = data.cpu()
        transformed_input_tensor = model.stn(data).cpu()
    return {"losses": losses, "test_losses": test_losses, "correct": accuracies,
            "input_sum": input_tensor.sum().item(), "transformed_sum": transformed_input_tensor.sum().item()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Spatial transformer on the 8x8 digits")
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    run(epochs=args.epochs)
