# The "DCGAN Tutorial" (pytorch/tutorials beginner_source/dcgan_faces_tutorial.py), scaled from
# 64x64 RGB faces to the 8x8 one-channel digits that torch-ts embeds.
# Scaling: nc = 1, nz = 16, ngf = ndf = 16, batch 128, 5 epochs. The Generator goes 1 -> 2 -> 4 -> 8
# pixels instead of 1 -> 4 -> 8 -> 16 -> 32 -> 64 (three ConvTranspose2d instead of five: the first
# has kernel 2 instead of 4, the others keep kernel 4, stride 2, padding 1), the Discriminator
# mirrors it, 8 -> 4 -> 2 -> 1 (its last Conv2d has kernel 2 instead of 4). The layer pattern
# (ConvTranspose2d/BatchNorm2d/ReLU ... Tanh; Conv2d/LeakyReLU, Conv2d/BatchNorm2d/LeakyReLU ...
# Sigmoid), weights_init, BCELoss, Adam lr 2e-4 betas (0.5, 0.999) and the training loop are the
# tutorial's. The images are normalized to [-1, 1] as the tutorial's transforms.Normalize((0.5,), (0.5,))
# does; the tutorial's plots, make_grid and the CUDA/ngpu lines are left out. Prints every 5 iterations
# (the tutorial: 50) since an epoch of the digits is 15 batches.
# The TypeScript port, line by line: examples/dcgan-digits.ts.
#   /usr/bin/python3 examples/py/dcgan-digits.py [--epochs 5]
import argparse
import random

import torch
import torch.nn as nn
import torch.optim as optim
import torch.utils.data

from digits import load_digits

# Number of channels in the training images. For color images this is 3
nc = 1
# Size of z latent vector (i.e. size of generator input)
nz = 16
# Size of feature maps in generator
ngf = 16
# Size of feature maps in discriminator
ndf = 16
# Beta1 hyperparameter for Adam optimizers
beta1 = 0.5


# custom weights initialization called on ``netG`` and ``netD``
def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


# Generator Code
class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        self.main = nn.Sequential(
            # input is Z, going into a convolution
            nn.ConvTranspose2d(nz, ngf * 4, 2, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            # state size. ``(ngf*4) x 2 x 2``
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            # state size. ``(ngf*2) x 4 x 4``
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
            nn.Tanh()
            # state size. ``(nc) x 8 x 8``
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()
        self.main = nn.Sequential(
            # input is ``(nc) x 8 x 8``
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. ``(ndf) x 4 x 4``
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            # state size. ``(ndf*2) x 2 x 2``
            nn.Conv2d(ndf * 2, 1, 2, 1, 0, bias=False),
            nn.Sigmoid()
        )

    def forward(self, input):
        return self.main(input)


def run(num_epochs=5, batch_size=128, manualSeed=999, lr=0.0002, max_batches=None, verbose=True):
    """Trains as the tutorial does; returns the per-iteration G and D losses and D(x), D(G(z)).
    max_batches cuts each epoch to that many batches (for tests)."""
    random.seed(manualSeed)
    torch.manual_seed(manualSeed)
    torch.use_deterministic_algorithms(True)  # Needed for reproducible results

    images, labels = load_digits()
    # transforms.Normalize((0.5,), (0.5,)) on every image
    dataset = torch.utils.data.TensorDataset((images - 0.5) / 0.5, labels)
    # Create the dataloader
    dataloader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)

    # Create the generator
    netG = Generator()
    # Apply the ``weights_init`` function to randomly initialize all weights
    #  to ``mean=0``, ``stdev=0.02``.
    netG.apply(weights_init)
    if verbose:
        print(netG)

    # Create the Discriminator
    netD = Discriminator()
    netD.apply(weights_init)
    if verbose:
        print(netD)

    # Initialize the ``BCELoss`` function
    criterion = nn.BCELoss()

    # Create batch of latent vectors that we will use to visualize
    #  the progression of the generator
    fixed_noise = torch.randn(64, nz, 1, 1)

    # Establish convention for real and fake labels during training
    real_label = 1.
    fake_label = 0.

    # Setup Adam optimizers for both G and D
    optimizerD = optim.Adam(netD.parameters(), lr=lr, betas=(beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=lr, betas=(beta1, 0.999))

    # Lists to keep track of progress
    G_losses = []
    D_losses = []
    D_xs, D_G_z1s, D_G_z2s = [], [], []
    iters = 0

    if verbose:
        print("Starting Training Loop...")
    # For each epoch
    for epoch in range(num_epochs):
        # For each batch in the dataloader
        for i, data in enumerate(dataloader, 0):
            if max_batches is not None and i == max_batches:
                break

            ############################
            # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
            ###########################
            ## Train with all-real batch
            netD.zero_grad()
            # Format batch
            real_cpu = data[0]
            b_size = real_cpu.size(0)
            label = torch.full((b_size,), real_label, dtype=torch.float)
            # Forward pass real batch through D
            output = netD(real_cpu).view(-1)
            # Calculate loss on all-real batch
            errD_real = criterion(output, label)
            # Calculate gradients for D in backward pass
            errD_real.backward()
            D_x = output.mean().item()

            ## Train with all-fake batch
            # Generate batch of latent vectors
            noise = torch.randn(b_size, nz, 1, 1)
            # Generate fake image batch with G
            fake = netG(noise)
            label.fill_(fake_label)
            # Classify all fake batch with D
            output = netD(fake.detach()).view(-1)
            # Calculate D's loss on the all-fake batch
            errD_fake = criterion(output, label)
            # Calculate the gradients for this batch, accumulated (summed) with previous gradients
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            # Compute error of D as sum over the fake and the real batches
            errD = errD_real + errD_fake
            # Update D
            optimizerD.step()

            ############################
            # (2) Update G network: maximize log(D(G(z)))
            ###########################
            netG.zero_grad()
            label.fill_(real_label)  # fake labels are real for generator cost
            # Since we just updated D, perform another forward pass of all-fake batch through D
            output = netD(fake).view(-1)
            # Calculate G's loss based on this output
            errG = criterion(output, label)
            # Calculate gradients for G
            errG.backward()
            D_G_z2 = output.mean().item()
            # Update G
            optimizerG.step()

            # Output training stats
            if verbose and i % 5 == 0:
                print('[%d/%d][%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'
                      % (epoch, num_epochs, i, len(dataloader),
                         errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))

            # Save Losses for plotting later
            G_losses.append(errG.item())
            D_losses.append(errD.item())
            D_xs.append(D_x)
            D_G_z1s.append(D_G_z1)
            D_G_z2s.append(D_G_z2)

            iters += 1

    with torch.no_grad():
        fake = netG(fixed_noise).detach()
    return {"G_losses": G_losses, "D_losses": D_losses, "D_x": D_xs, "D_G_z1": D_G_z1s, "D_G_z2": D_G_z2s,
            "fixed_fake_sum": fake.sum().item()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description='DCGAN on the 8x8 digits')
    parser.add_argument('--epochs', type=int, default=5)
    args = parser.parse_args()
    run(args.epochs)
