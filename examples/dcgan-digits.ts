// The "DCGAN Tutorial" (pytorch/tutorials beginner_source/dcgan_faces_tutorial.py), ported line by
// line to torch-ts and scaled from 64x64 RGB faces to the embedded 8x8 digits; the scaling is
// described at the top of the PyTorch original as run here: examples/py/dcgan-digits.py (same
// seed, same numbers).
//   npx tsx examples/dcgan-digits.ts [--epochs 5]

import * as torch from "../src/index.js";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const { nn, optim } = torch;

// Number of channels in the training images. For color images this is 3
const nc = 1;
// Size of z latent vector (i.e. size of generator input)
const nz = 16;
// Size of feature maps in generator
const ngf = 16;
// Size of feature maps in discriminator
const ndf = 16;
// Beta1 hyperparameter for Adam optimizers
const beta1 = 0.5;

// custom weights initialization called on ``netG`` and ``netD``
export function weightsInit(m: torch.nn.Module): void {
  const classname = m.constructor.name;
  if (classname.indexOf("Conv") !== -1) {
    nn.init.normal_(m.getParameter("weight").data, 0.0, 0.02);
  } else if (classname.indexOf("BatchNorm") !== -1) {
    nn.init.normal_(m.getParameter("weight").data, 1.0, 0.02);
    nn.init.constant_(m.getParameter("bias").data, 0);
  }
}

// Generator Code
export class Generator extends nn.Module {
  main = new nn.Sequential(
    // input is Z, going into a convolution
    new nn.ConvTranspose2d(nz, ngf * 4, 2, 1, 0, { bias: false }),
    new nn.BatchNorm2d(ngf * 4),
    new nn.ReLU(true),
    // state size. ``(ngf*4) x 2 x 2``
    new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf * 2),
    new nn.ReLU(true),
    // state size. ``(ngf*2) x 4 x 4``
    new nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, { bias: false }),
    new nn.Tanh(),
    // state size. ``(nc) x 8 x 8``
  );

  override forward(input: torch.Tensor): torch.Tensor {
    return this.main.call(input) as torch.Tensor;
  }
}

export class Discriminator extends nn.Module {
  main = new nn.Sequential(
    // input is ``(nc) x 8 x 8``
    new nn.Conv2d(nc, ndf, 4, 2, 1, { bias: false }),
    new nn.LeakyReLU(0.2, { inplace: true }),
    // state size. ``(ndf) x 4 x 4``
    new nn.Conv2d(ndf, ndf * 2, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 2),
    new nn.LeakyReLU(0.2, { inplace: true }),
    // state size. ``(ndf*2) x 2 x 2``
    new nn.Conv2d(ndf * 2, 1, 2, 1, 0, { bias: false }),
    new nn.Sigmoid(),
  );

  override forward(input: torch.Tensor): torch.Tensor {
    return this.main.call(input) as torch.Tensor;
  }
}

export interface DcganOptions { numEpochs?: number; batchSize?: number; manualSeed?: number; lr?: number; maxBatches?: number | null; verbose?: boolean }
export interface DcganResult { G_losses: number[]; D_losses: number[]; D_x: number[]; D_G_z1: number[]; D_G_z2: number[]; fixed_fake_sum: number }

/**
 * Trains as the tutorial does; returns the per-iteration G and D losses and D(x), D(G(z)).
 * maxBatches cuts each epoch to that many batches (for tests).
 */
export function run({ numEpochs = 5, batchSize = 128, manualSeed = 999, lr = 0.0002, maxBatches = null, verbose = true }: DcganOptions = {}): DcganResult {
  // random.seed(manualSeed): Python's own generator, which the tutorial never draws from
  torch.manualSeed(manualSeed);
  torch.useDeterministicAlgorithms(true); // Needed for reproducible results

  const { data: images, targets: labels } = new torch.datasets.Digits();
  // transforms.Normalize((0.5,), (0.5,)) on every image
  const dataset = new torch.utils.data.TensorDataset(images.sub(0.5).div(0.5), labels);
  // Create the dataloader
  const dataloader = new torch.utils.data.DataLoader(dataset, { batchSize, shuffle: true });

  // Create the generator
  const netG = new Generator();
  // Apply the ``weights_init`` function to randomly initialize all weights
  //  to ``mean=0``, ``stdev=0.02``.
  netG.apply(weightsInit);
  if (verbose) console.log(netG.toString());

  // Create the Discriminator
  const netD = new Discriminator();
  netD.apply(weightsInit);
  if (verbose) console.log(netD.toString());

  // Initialize the ``BCELoss`` function
  const criterion = new nn.BCELoss();

  // Create batch of latent vectors that we will use to visualize
  //  the progression of the generator
  const fixedNoise = torch.randn(64, nz, 1, 1);

  // Establish convention for real and fake labels during training
  const realLabel = 1.0;
  const fakeLabel = 0.0;

  // Setup Adam optimizers for both G and D
  const optimizerD = new optim.Adam(netD.parameters(), { lr, betas: [beta1, 0.999] });
  const optimizerG = new optim.Adam(netG.parameters(), { lr, betas: [beta1, 0.999] });

  // Lists to keep track of progress
  const G_losses: number[] = [];
  const D_losses: number[] = [];
  const D_xs: number[] = [], D_G_z1s: number[] = [], D_G_z2s: number[] = [];
  let iters = 0;

  if (verbose) console.log("Starting Training Loop...");
  // For each epoch
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    // For each batch in the dataloader
    let i = 0;
    for (const data of dataloader) {
      if (maxBatches !== null && i === maxBatches) break;

      // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
      // Train with all-real batch
      netD.zeroGrad();
      // Format batch
      const realCpu = data[0];
      const bSize = realCpu.size(0);
      const label = torch.full([bSize], realLabel, { dtype: torch.float });
      // Forward pass real batch through D
      let output = netD.call(realCpu).view(-1);
      // Calculate loss on all-real batch
      const errDReal = criterion.call(output, label);
      // Calculate gradients for D in backward pass
      errDReal.backward();
      const D_x = Number(output.mean().item());

      // Train with all-fake batch
      // Generate batch of latent vectors
      const noise = torch.randn(bSize, nz, 1, 1);
      // Generate fake image batch with G
      const fake = netG.call(noise);
      label.fill_(fakeLabel);
      // Classify all fake batch with D
      output = netD.call(fake.detach()).view(-1);
      // Calculate D's loss on the all-fake batch
      const errDFake = criterion.call(output, label);
      // Calculate the gradients for this batch, accumulated (summed) with previous gradients
      errDFake.backward();
      const D_G_z1 = Number(output.mean().item());
      // Compute error of D as sum over the fake and the real batches
      const errD = errDReal.add(errDFake);
      // Update D
      optimizerD.step();

      // (2) Update G network: maximize log(D(G(z)))
      netG.zeroGrad();
      label.fill_(realLabel); // fake labels are real for generator cost
      // Since we just updated D, perform another forward pass of all-fake batch through D
      output = netD.call(fake).view(-1);
      // Calculate G's loss based on this output
      const errG = criterion.call(output, label);
      // Calculate gradients for G
      errG.backward();
      const D_G_z2 = Number(output.mean().item());
      // Update G
      optimizerG.step();

      // Output training stats
      if (verbose && i % 5 === 0) {
        const f = (v: number): string => v.toFixed(4);
        console.log(`[${epoch}/${numEpochs}][${i}/${dataloader.length}]\tLoss_D: ${f(Number(errD.item()))}\tLoss_G: ${f(Number(errG.item()))}\t` +
          `D(x): ${f(D_x)}\tD(G(z)): ${f(D_G_z1)} / ${f(D_G_z2)}`);
      }

      // Save Losses for plotting later
      G_losses.push(Number(errG.item()));
      D_losses.push(Number(errD.item()));
      D_xs.push(D_x);
      D_G_z1s.push(D_G_z1);
      D_G_z2s.push(D_G_z2);

      iters += 1;
      i += 1;
    }
  }

  const fake = torch.noGrad(() => netG.call(fixedNoise).detach());
  return { G_losses, D_losses, D_x: D_xs, D_G_z1: D_G_z1s, D_G_z2: D_G_z2s, fixed_fake_sum: Number(fake.sum().item()) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { epochs: { type: "string", default: "5" } } });
  run({ numEpochs: Number(values.epochs) });
}
