/**
 * torch.distributions: probability distributions with PyTorch's parameters, shapes, validation,
 * sampling streams and KL divergences.
 *
 * ```ts
 * import * as torch from "torch-ts";
 * const D = torch.distributions;
 * torch.manualSeed(0);
 * const policy = new D.Categorical({ logits: torch.tensor([0.1, 0.5, -0.2], { requiresGrad: true }) });
 * const action = policy.sample();                 // PyTorch 2.x's draw for seed 0
 * policy.logProb(action).neg().backward();         // REINFORCE-style gradient
 * const q = new D.Normal(0, 1), p = new D.Normal(torch.tensor([0.5]), torch.tensor([2.5]));
 * D.klDivergence(p, q);                            // tensor([1.8337])
 * ```
 */

export * as constraints from "./constraints.js";
export { Distribution, type SampleShape } from "./distribution.js";
export { ExponentialFamily } from "./exp-family.js";
export { Normal, type NormalOptions } from "./normal.js";
export { Uniform, type UniformOptions } from "./uniform.js";
export { Bernoulli, type BernoulliOptions } from "./bernoulli.js";
export { Categorical, type CategoricalOptions } from "./categorical.js";
export { OneHotCategorical, OneHotCategoricalStraightThrough } from "./one-hot-categorical.js";
export { Independent, type IndependentOptions } from "./independent.js";
export { Exponential, type ExponentialOptions } from "./exponential.js";
export { Laplace, type LaplaceOptions } from "./laplace.js";
export { Cauchy, type CauchyOptions } from "./cauchy.js";
export { Gamma, type GammaOptions } from "./gamma.js";
export { Chi2, type Chi2Options } from "./chi2.js";
export { Dirichlet, type DirichletOptions } from "./dirichlet.js";
export { Beta, type BetaOptions } from "./beta.js";
export { StudentT, type StudentTOptions } from "./student-t.js";
export { Poisson, type PoissonOptions } from "./poisson.js";
export { Binomial, type BinomialOptions } from "./binomial.js";
export { Geometric, type GeometricOptions } from "./geometric.js";
export { Multinomial, type MultinomialOptions } from "./multinomial.js";
export { MultivariateNormal, type MultivariateNormalOptions } from "./multivariate-normal.js";
export { klDivergence, registerKl, type KlFunction, type DistributionClass } from "./kl.js";
export * as transforms from "./transforms-all.js";
export {
  Transform, ComposeTransform, IndependentTransform, ExpTransform, PowerTransform, SigmoidTransform, SoftplusTransform, TanhTransform,
  AbsTransform, AffineTransform, SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform, PositiveDefiniteTransform, identityTransform,
} from "./transforms.js";
export { CorrCholeskyTransform, ReshapeTransform, CatTransform, StackTransform, CumulativeDistributionTransform } from "./transforms-structured.js";
export { bijectTo, transformTo, ConstraintRegistry } from "./constraint-registry.js";
export { TransformedDistribution, type TransformedDistributionOptions } from "./transformed-distribution.js";
export { LogNormal, type LogNormalOptions } from "./log-normal.js";
export { HalfNormal, type HalfNormalOptions } from "./half-normal.js";
export { HalfCauchy, type HalfCauchyOptions } from "./half-cauchy.js";
export { Gumbel, type GumbelOptions } from "./gumbel.js";
export { Weibull, type WeibullOptions } from "./weibull.js";
export { Pareto, type ParetoOptions } from "./pareto.js";
export { Kumaraswamy, type KumaraswamyOptions } from "./kumaraswamy.js";
export { LogisticNormal, type LogisticNormalOptions } from "./logistic-normal.js";
export { LogitRelaxedBernoulli, RelaxedBernoulli, type RelaxedBernoulliOptions } from "./relaxed-bernoulli.js";
export { ExpRelaxedCategorical, RelaxedOneHotCategorical, type RelaxedCategoricalOptions } from "./relaxed-categorical.js";
export { MixtureSameFamily, type MixtureSameFamilyOptions } from "./mixture-same-family.js";
export { NegativeBinomial, type NegativeBinomialOptions } from "./negative-binomial.js";
export { FisherSnedecor, type FisherSnedecorOptions } from "./fisher-snedecor.js";
export { ContinuousBernoulli, type ContinuousBernoulliOptions } from "./continuous-bernoulli.js";
export { LowRankMultivariateNormal, type LowRankMultivariateNormalOptions } from "./low-rank-multivariate-normal.js";
export { VonMises, type VonMisesOptions } from "./von-mises.js";
export { Wishart, type WishartOptions } from "./wishart.js";
export { LKJCholesky, type LKJCholeskyOptions } from "./lkj-cholesky.js";
