// kl_divergence(p, q) and register_kl (torch/distributions/kl.py): a registry of closed forms keyed by
// (type of p, type of q); a pair of subclasses takes the most specific registered pair.

import type { Tensor } from "../core/tensor.js";
import { grad } from "../autograd/engine.js";
import { enableGrad } from "../autograd/grad-mode.js";
import { where } from "../ops/comparison.js";
import { fullLike } from "../ops/creation.js";
import { broadcastShapes } from "../core/shape.js";
import { matmul } from "../ops/blas.js";
import { solveTriangular } from "../ops/linalg.js";
import { softplus } from "../nn/functional/activation.js";
import { Distribution } from "./distribution.js";
import { ExponentialFamily } from "./exp-family.js";
import { Bernoulli } from "./bernoulli.js";
import { Beta } from "./beta.js";
import { Binomial } from "./binomial.js";
import { Categorical } from "./categorical.js";
import { Cauchy } from "./cauchy.js";
import { Dirichlet } from "./dirichlet.js";
import { Exponential } from "./exponential.js";
import { Gamma } from "./gamma.js";
import { Geometric } from "./geometric.js";
import { Independent } from "./independent.js";
import { Laplace } from "./laplace.js";
import { MultivariateNormal, batchMahalanobis } from "./multivariate-normal.js";
import { Normal } from "./normal.js";
import { OneHotCategorical } from "./one-hot-categorical.js";
import { Poisson } from "./poisson.js";
import { Uniform } from "./uniform.js";
import { Gumbel } from "./gumbel.js";
import { HalfNormal } from "./half-normal.js";
import { Pareto } from "./pareto.js";
import { ContinuousBernoulli } from "./continuous-bernoulli.js";
import { LowRankMultivariateNormal, lowrankLogdet, lowrankMahalanobis } from "./low-rank-multivariate-normal.js";
import { TransformedDistribution } from "./transformed-distribution.js";
import { EULER_CONSTANT, sameShape, sumRightmost } from "./utils.js";

/** A distribution class (abstract ones included, as ExponentialFamily). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistributionClass<T extends Distribution = Distribution> = abstract new (...args: any[]) => T;
export type KlFunction<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (p: P, q: Q) => Tensor;

const registry = new Map<DistributionClass, Map<DistributionClass, KlFunction>>();
const memo = new Map<DistributionClass, Map<DistributionClass, KlFunction | null>>();

/**
 * register_kl(typeP, typeQ): a decorator that registers fn as KL(p || q) for p of typeP and q of typeQ
 * (`registerKl(P, Q)(fn)`; `registerKl(P, Q, fn)` does the same).
 */
export function registerKl<P extends Distribution, Q extends Distribution>(typeP: DistributionClass<P>, typeQ: DistributionClass<Q>): (fn: KlFunction<P, Q>) => KlFunction<P, Q>;
export function registerKl<P extends Distribution, Q extends Distribution>(typeP: DistributionClass<P>, typeQ: DistributionClass<Q>, fn: KlFunction<P, Q>): KlFunction<P, Q>;
export function registerKl<P extends Distribution, Q extends Distribution>(typeP: DistributionClass<P>, typeQ: DistributionClass<Q>, fn?: KlFunction<P, Q>): KlFunction<P, Q> | ((fn: KlFunction<P, Q>) => KlFunction<P, Q>) {
  const isDistributionClass = (t: unknown) => typeof t === "function" && (t === Distribution || (t as { prototype: unknown }).prototype instanceof Distribution);
  if (!isDistributionClass(typeP)) throw new TypeError(`Expected type_p to be a Distribution subclass but got ${String(typeP)}`);
  if (!isDistributionClass(typeQ)) throw new TypeError(`Expected type_q to be a Distribution subclass but got ${String(typeQ)}`);
  const decorate = (f: KlFunction<P, Q>): KlFunction<P, Q> => {
    if (!registry.has(typeP)) registry.set(typeP, new Map());
    registry.get(typeP)!.set(typeQ, f as KlFunction);
    memo.clear();
    return f;
  };
  return fn ? decorate(fn) : decorate;
}

/** How many steps up the prototype chain from `type` to `ancestor` (-1 when not a subclass). */
function distance(type: DistributionClass, ancestor: DistributionClass): number {
  let d = 0;
  for (let t: unknown = type; t && t !== Function.prototype; t = Object.getPrototypeOf(t), d++) if (t === ancestor) return d;
  return -1;
}

/** The most specific registered pair (PyTorch's _dispatch_kl, assuming single inheritance). */
function dispatch(typeP: DistributionClass, typeQ: DistributionClass): KlFunction | null {
  let best: { dp: number; dq: number; fn: KlFunction } | null = null;
  let bestRight: { dp: number; dq: number; fn: KlFunction } | null = null;
  for (const [p, byQ] of registry) {
    const dp = distance(typeP, p);
    if (dp < 0) continue;
    for (const [q, fn] of byQ) {
      const dq = distance(typeQ, q);
      if (dq < 0) continue;
      if (!best || dp < best.dp || (dp === best.dp && dq < best.dq)) best = { dp, dq, fn };
      if (!bestRight || dq < bestRight.dq || (dq === bestRight.dq && dp < bestRight.dp)) bestRight = { dp, dq, fn };
    }
  }
  if (best && bestRight && best.fn !== bestRight.fn) {
    console.warn(`RuntimeWarning: Ambiguous kl_divergence(${typeP.name}, ${typeQ.name}). Please register_kl(...)`);
  }
  return best?.fn ?? null;
}

/** KL(p || q), batched over the batch shape. */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  const typeP = p.constructor as DistributionClass, typeQ = q.constructor as DistributionClass;
  let fn = memo.get(typeP)?.get(typeQ);
  if (fn === undefined) {
    fn = dispatch(typeP, typeQ);
    if (!memo.has(typeP)) memo.set(typeP, new Map());
    memo.get(typeP)!.set(typeQ, fn);
  }
  if (fn === null) throw new Error(`No KL(p || q) is implemented for p type ${typeP.name} and q type ${typeQ.name}`);
  return fn(p, q);
}

const infiniteLike = (t: Tensor): Tensor => fullLike(t, Infinity);
/** The parameter PyTorch's _infinite_like reads for p's shape and dtype. */
const paramOf = (p: Distribution): Tensor =>
  p instanceof Beta ? p.concentration1 : p instanceof Exponential ? p.rate : p instanceof Gamma ? p.concentration : (p as Laplace | Normal).loc;
const xLogX = (t: Tensor): Tensor => t.mul(t.log());

// ---- the same family --------------------------------------------------------------------------

registerKl(Bernoulli, Bernoulli, (p, q) => {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = where(p.probs.eq(0), 0, where(q.probs.eq(0), Infinity, t1));
  let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = where(p.probs.eq(1), 0, where(q.probs.eq(1), Infinity, t2));
  return t1.add(t2);
});

registerKl(Beta, Beta, (p, q) => {
  const sumP = p.concentration1.add(p.concentration0), sumQ = q.concentration1.add(q.concentration0);
  const t1 = q.concentration1.lgamma().add(q.concentration0.lgamma()).add(sumP.lgamma());
  const t2 = p.concentration1.lgamma().add(p.concentration0.lgamma()).add(sumQ.lgamma());
  const t3 = p.concentration1.sub(q.concentration1).mul(p.concentration1.digamma());
  const t4 = p.concentration0.sub(q.concentration0).mul(p.concentration0.digamma());
  const t5 = sumQ.sub(sumP).mul(sumP.digamma());
  return t1.sub(t2).add(t3).add(t4).add(t5);
});

registerKl(Binomial, Binomial, (p, q) => {
  if (p.totalCount.lt(q.totalCount).any().item() as boolean) {
    throw new Error("KL between Binomials where q.total_count > p.total_count is not implemented");
  }
  const kl = p.totalCount.mul(p.probs.mul(p.logits.sub(q.logits)).add(p.probs.neg().log1p()).sub(q.probs.neg().log1p()));
  return where(p.totalCount.gt(q.totalCount), Infinity, kl);
});

function klCategorical(p: Categorical, q: Categorical): Tensor {
  let t = p.probs.mul(p.logits.sub(q.logits));
  t = where(p.probs.eq(0).expand(t.shape), 0, where(q.probs.eq(0).expand(t.shape), Infinity, t));
  return t.sum(-1);
}
registerKl(Categorical, Categorical, klCategorical);
registerKl(OneHotCategorical, OneHotCategorical, (p, q) => klCategorical(new Categorical({ probs: p.probs, validateArgs: false }), new Categorical({ probs: q.probs, validateArgs: false })));

registerKl(Cauchy, Cauchy, (p, q) => {
  const t1 = p.scale.add(q.scale).pow(2).add(p.loc.sub(q.loc).pow(2)).log();
  const t2 = p.scale.mul(4).mul(q.scale).log();
  return t1.sub(t2);
});

registerKl(Dirichlet, Dirichlet, (p, q) => {
  const sumP = p.concentration.sum(-1), sumQ = q.concentration.sum(-1);
  const t1 = sumP.lgamma().sub(sumQ.lgamma());
  const t2 = p.concentration.lgamma().sub(q.concentration.lgamma()).sum(-1);
  const t3 = p.concentration.sub(q.concentration);
  const t4 = p.concentration.digamma().sub(sumP.digamma().unsqueeze(-1));
  return t1.sub(t2).add(t3.mul(t4).sum(-1));
});

registerKl(Exponential, Exponential, (p, q) => {
  const rateRatio = q.rate.div(p.rate);
  return rateRatio.log().neg().add(rateRatio).sub(1);
});

registerKl(ExponentialFamily, ExponentialFamily, (p, q) => {
  if (p.constructor !== q.constructor) {
    throw new Error("The cross KL-divergence between different exponential families cannot be computed using Bregman divergences");
  }
  const pParams = p.naturalParams.map((np) => np.detach().requiresGrad_());
  const qParams = q.naturalParams;
  return enableGrad(() => {
    const lgNormal = p.logNormalizer(...pParams);
    const gradients = grad(lgNormal.sum(), pParams, { createGraph: true });
    let result = q.logNormalizer(...qParams).sub(lgNormal);
    pParams.forEach((pnp, i) => {
      result = result.sub(sumRightmost(qParams[i]!.sub(pnp).mul(gradients[i]!), q.eventShape.length));
    });
    return result;
  });
});

registerKl(Gamma, Gamma, (p, q) => {
  const t1 = q.concentration.mul(p.rate.div(q.rate).log());
  const t2 = q.concentration.lgamma().sub(p.concentration.lgamma());
  const t3 = p.concentration.sub(q.concentration).mul(p.concentration.digamma());
  const t4 = q.rate.sub(p.rate).mul(p.concentration.div(p.rate));
  return t1.add(t2).add(t3).add(t4);
});

registerKl(Geometric, Geometric, (p, q) => p.entropy().neg().sub(q.probs.neg().log1p().div(p.probs)).sub(q.logits));

registerKl(Independent, Independent, (p, q) => {
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) throw new Error("No KL(p || q) is implemented for Independent distributions with different reinterpreted_batch_ndims");
  return sumRightmost(klDivergence(p.baseDist, q.baseDist), p.reinterpretedBatchNdims);
});

registerKl(Laplace, Laplace, (p, q) => {
  const scaleRatio = p.scale.div(q.scale);
  const locAbsDiff = p.loc.sub(q.loc).abs();
  const t1 = scaleRatio.log().neg();
  const t2 = locAbsDiff.div(q.scale);
  const t3 = scaleRatio.mul(locAbsDiff.neg().div(p.scale).exp());
  return t1.add(t2).add(t3).sub(1);
});

registerKl(MultivariateNormal, MultivariateNormal, (p, q) => {
  if (!sameShape(p.eventShape, q.eventShape)) {
    throw new Error("KL-divergence between two Multivariate Normals with different event shapes cannot be computed");
  }
  const pL = p.unbroadcastedScaleTril, qL = q.unbroadcastedScaleTril;
  const halfTerm1 = qL.diagonal(0, -2, -1).log().sum(-1).sub(pL.diagonal(0, -2, -1).log().sum(-1));
  const batch = broadcastShapes(qL.shape.slice(0, -2), pL.shape.slice(0, -2));
  const n = p.eventShape[0]!;
  const solved = solveTriangular(qL.expand([...batch, n, n]), pL.expand([...batch, n, n]), { upper: false });
  const term2 = solved.reshape([-1, n * n]).pow(2).sum(-1).reshape(batch);
  const term3 = batchMahalanobis(qL, q.loc.sub(p.loc));
  return halfTerm1.add(term2.add(term3).sub(n).mul(0.5));
});

function klNormal(p: Normal, q: Normal): Tensor {
  const varRatio = p.scale.div(q.scale).pow(2);
  const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
  return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
}
registerKl(Normal, Normal, klNormal);

registerKl(Poisson, Poisson, (p, q) => p.rate.mul(p.rate.log().sub(q.rate.log())).sub(p.rate.sub(q.rate)));

registerKl(Uniform, Uniform, (p, q) => {
  const result = q.high.sub(q.low).div(p.high.sub(p.low)).log();
  return where(q.low.gt(p.low).logicalOr(q.high.lt(p.high)), Infinity, result);
});

// ---- different families ---------------------------------------------------------------------

registerKl(Bernoulli, Poisson, (p, q) => p.entropy().neg().sub(p.probs.mul(q.rate.log()).sub(q.rate)));

registerKl(Beta, Exponential, (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.concentration1.div(p.concentration1.add(p.concentration0)))));
registerKl(Beta, Gamma, (p, q) => {
  const t1 = p.entropy().neg();
  const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.sub(1).mul(p.concentration1.digamma().sub(p.concentration1.add(p.concentration0).digamma()));
  const t4 = q.rate.mul(p.concentration1).div(p.concentration1.add(p.concentration0));
  return t1.add(t2).sub(t3).add(t4);
});
registerKl(Beta, Normal, (p, q) => {
  const total = p.concentration1.add(p.concentration0);
  const eBeta = p.concentration1.div(total);
  const varNormal = q.scale.pow(2);
  const t1 = p.entropy().neg();
  const t2 = varNormal.mul(2).mul(Math.PI).log().mul(0.5);
  const t3 = eBeta.mul(eBeta.neg().add(1)).div(total.add(1)).add(eBeta.pow(2)).mul(0.5);
  const t4 = q.loc.mul(eBeta);
  const t5 = q.loc.pow(2).mul(0.5);
  return t1.add(t2).add(t3.sub(t4).add(t5).div(varNormal));
});
registerKl(Beta, Uniform, (p, q) => {
  const result = p.entropy().neg().add(q.high.sub(q.low).log());
  return where(q.low.gt(0).logicalOr(q.high.lt(1)), Infinity, result);
});

registerKl(Exponential, Beta, (p) => infiniteLike(p.rate));
registerKl(Exponential, Uniform, (p) => infiniteLike(p.rate));
registerKl(Exponential, Gamma, (p, q) => {
  const ratio = q.rate.div(p.rate);
  const t1 = q.concentration.neg().mul(ratio.log());
  return t1.add(ratio).add(q.concentration.lgamma()).add(q.concentration.mul(EULER_CONSTANT)).sub(1 + EULER_CONSTANT);
});
registerKl(Exponential, Normal, (p, q) => {
  const varNormal = q.scale.pow(2);
  const rateSqr = p.rate.pow(2);
  const t1 = rateSqr.mul(varNormal).mul(2).mul(Math.PI).log().mul(0.5);
  const t2 = rateSqr.reciprocal();
  const t3 = q.loc.div(p.rate);
  const t4 = q.loc.pow(2).mul(0.5);
  return t1.sub(1).add(t2.sub(t3).add(t4).div(varNormal));
});

registerKl(Gamma, Beta, (p) => infiniteLike(p.concentration));
registerKl(Gamma, Uniform, (p) => infiniteLike(p.concentration));
registerKl(Gamma, Exponential, (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.concentration).div(p.rate)));
registerKl(Gamma, Normal, (p, q) => {
  const varNormal = q.scale.pow(2);
  const betaSqr = p.rate.pow(2);
  const t1 = betaSqr.mul(varNormal).mul(2).mul(Math.PI).log().mul(0.5).sub(p.concentration).sub(p.concentration.lgamma());
  const t2 = p.concentration.pow(2).add(p.concentration).mul(0.5).div(betaSqr);
  const t3 = q.loc.mul(p.concentration).div(p.rate);
  const t4 = q.loc.pow(2).mul(0.5);
  return t1.add(p.concentration.sub(1).mul(p.concentration.digamma())).add(t2.sub(t3).add(t4).div(varNormal));
});

for (const Q of [Beta, Exponential, Gamma, Uniform] as DistributionClass[]) registerKl(Laplace, Q, (p: Laplace) => infiniteLike(p.loc));
registerKl(Laplace, Normal, (p, q) => {
  const varNormal = q.scale.pow(2);
  const scaleSqrVarRatio = p.scale.pow(2).div(varNormal);
  const t1 = scaleSqrVarRatio.mul(2).div(Math.PI).log().mul(0.5);
  const t2 = p.loc.pow(2).mul(0.5);
  const t3 = p.loc.mul(q.loc);
  const t4 = q.loc.pow(2).mul(0.5);
  return t1.neg().add(scaleSqrVarRatio).add(t2.sub(t3).add(t4).div(varNormal)).sub(1);
});

for (const Q of [Beta, Exponential, Gamma, Uniform] as DistributionClass[]) registerKl(Normal, Q, (p: Normal) => infiniteLike(p.loc));
registerKl(Normal, Laplace, (p, q) => {
  const locDiff = p.loc.sub(q.loc);
  const scaleRatio = p.scale.div(q.scale);
  const locDiffScaleRatio = locDiff.div(p.scale);
  const t1 = scaleRatio.log();
  const t2 = p.scale.mul(Math.sqrt(2 / Math.PI)).mul(locDiffScaleRatio.pow(2).mul(-0.5).exp());
  const t3 = locDiff.mul(locDiffScaleRatio.mul(Math.sqrt(0.5)).erf());
  return t1.neg().add(t2.add(t3).div(q.scale)).sub(0.5 * (1 + Math.log(0.5 * Math.PI)));
});

registerKl(Poisson, Bernoulli, (p) => infiniteLike(p.rate));
registerKl(Poisson, Binomial, (p) => infiniteLike(p.rate));

registerKl(Uniform, Beta, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = common.log();
  const t2 = q.concentration1.sub(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(common)).div(common);
  const t3 = q.concentration0.sub(1).mul(xLogX(p.high.neg().add(1)).sub(xLogX(p.low.neg().add(1))).add(common)).div(common);
  const t4 = q.concentration1.lgamma().add(q.concentration0.lgamma()).sub(q.concentration1.add(q.concentration0).lgamma());
  const result = t3.add(t4).sub(t1).sub(t2);
  return where(p.high.gt(1).logicalOr(p.low.lt(0)), Infinity, result);
});
registerKl(Uniform, Exponential, (p, q) => {
  const result = q.rate.mul(p.high.add(p.low)).div(2).sub(p.high.sub(p.low).mul(q.rate).log());
  return where(p.low.lt(0), Infinity, result);
});
registerKl(Uniform, Gamma, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = common.log();
  const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.neg().add(1).mul(xLogX(p.high).sub(xLogX(p.low)).sub(common)).div(common);
  const t4 = q.rate.mul(p.high.add(p.low)).div(2);
  const result = t1.neg().add(t2).add(t3).add(t4);
  return where(p.low.lt(0), Infinity, result);
});
registerKl(Uniform, Normal, (p, q) => {
  const common = p.high.sub(p.low);
  const t1 = q.scale.mul(Math.sqrt(Math.PI * 2)).div(common).log();
  const t2 = common.pow(2).div(12);
  const t3 = p.high.add(p.low).sub(q.loc.mul(2)).div(2).pow(2);
  return t1.add(t2.add(t3).mul(0.5).div(q.scale.pow(2)));
});


// ---- transformed families ---------------------------------------------------------------------

registerKl(TransformedDistribution, TransformedDistribution, (p, q) => {
  const same = p.transforms.length === q.transforms.length && p.transforms.every((t, i) => t.equals(q.transforms[i]!));
  if (!same) throw new Error("No KL(p || q) is implemented for TransformedDistributions with different transforms");
  if (!sameShape(p.eventShape, q.eventShape)) throw new Error("No KL(p || q) is implemented for TransformedDistributions with different event shapes");
  return klDivergence(p.baseDist, q.baseDist);
});

registerKl(HalfNormal, HalfNormal, (p, q) => klNormal(p.baseDist, q.baseDist));

registerKl(Gumbel, Gumbel, (p, q) => {
  const ct1 = p.scale.div(q.scale), ct2 = q.loc.div(q.scale), ct3 = p.loc.div(q.scale);
  const t1 = ct1.log().neg().sub(ct2).add(ct3);
  const t2 = ct1.mul(EULER_CONSTANT);
  const t3 = ct2.add(ct1.add(1).lgamma()).sub(ct3).exp();
  return t1.add(t2).add(t3).sub(1 + EULER_CONSTANT);
});

registerKl(Pareto, Pareto, (p, q) => {
  const scaleRatio = p.scale.div(q.scale);
  const alphaRatio = q.alpha.div(p.alpha);
  const result = q.alpha.mul(scaleRatio.log()).add(alphaRatio.log().neg()).add(alphaRatio).sub(1);
  return where(p.scale.lt(q.scale), Infinity, result);
});

for (const P of [Beta, Exponential, Gamma, Laplace, Normal] as DistributionClass[]) {
  registerKl(P, Pareto, (p: Distribution) => infiniteLike(paramOf(p)));
}
for (const Q of [Beta, Exponential, Gamma, Pareto, Uniform] as DistributionClass[]) registerKl(Gumbel, Q, (p: Gumbel) => infiniteLike(p.loc));
registerKl(Pareto, Beta, (p) => infiniteLike(p.scale));
registerKl(Pareto, Uniform, (p) => infiniteLike(p.scale));

registerKl(Exponential, Gumbel, (p, q) => {
  const scaleRateProd = p.rate.mul(q.scale);
  const locScaleRatio = q.loc.div(q.scale);
  const t1 = scaleRateProd.log().sub(1);
  const t2 = locScaleRatio.exp().mul(scaleRateProd).div(scaleRateProd.add(1));
  const t3 = scaleRateProd.reciprocal();
  return t1.sub(locScaleRatio).add(t2).add(t3);
});
registerKl(Gamma, Gumbel, (p, q) => {
  const betaScaleProd = p.rate.mul(q.scale);
  const locScaleRatio = q.loc.div(q.scale);
  const t1 = p.concentration.sub(1).mul(p.concentration.digamma()).sub(p.concentration.lgamma()).sub(p.concentration);
  const t2 = betaScaleProd.log().add(p.concentration.div(betaScaleProd));
  const t3 = locScaleRatio.exp().mul(betaScaleProd.reciprocal().add(1).pow(p.concentration.neg())).sub(locScaleRatio);
  return t1.add(t2).add(t3);
});
registerKl(Gumbel, Normal, (p, q) => {
  const paramRatio = p.scale.div(q.scale);
  const t1 = paramRatio.div(Math.sqrt(2 * Math.PI)).log();
  const t2 = paramRatio.mul(Math.PI).mul(0.5).pow(2).div(3);
  const t3 = p.loc.add(p.scale.mul(EULER_CONSTANT)).sub(q.loc).div(q.scale).pow(2).mul(0.5);
  return t1.neg().add(t2).add(t3).sub(EULER_CONSTANT + 1);
});
registerKl(Normal, Gumbel, (p, q) => {
  const meanScaleRatio = p.loc.div(q.scale);
  const varScaleSqrRatio = p.scale.div(q.scale).pow(2);
  const locScaleRatio = q.loc.div(q.scale);
  const t1 = varScaleSqrRatio.log().mul(0.5);
  const t2 = meanScaleRatio.sub(locScaleRatio);
  const t3 = meanScaleRatio.neg().add(varScaleSqrRatio.mul(0.5)).add(locScaleRatio).exp();
  return t1.neg().add(t2).add(t3).sub(0.5 * (1 + Math.log(2 * Math.PI)));
});
registerKl(Uniform, Gumbel, (p, q) => {
  const common = q.scale.div(p.high.sub(p.low));
  const highLocDiff = p.high.sub(q.loc).div(q.scale);
  const lowLocDiff = p.low.sub(q.loc).div(q.scale);
  const t1 = common.log().add(highLocDiff.add(lowLocDiff).mul(0.5));
  const t2 = common.mul(highLocDiff.neg().exp().sub(lowLocDiff.neg().exp()));
  return t1.sub(t2);
});
registerKl(Uniform, Pareto, (p, q) => {
  const support = p.high.sub(p.low);
  const t1 = q.alpha.mul(q.scale.pow(q.alpha)).mul(support).log();
  const t2 = xLogX(p.high).sub(xLogX(p.low)).sub(support).div(support);
  const result = t2.mul(q.alpha.add(1)).sub(t1);
  return where(p.low.lt(q.scale), Infinity, result);
});
registerKl(Pareto, Exponential, (p, q) => {
  const t1 = p.alpha.div(p.scale.mul(q.rate)).log();
  const t2 = p.alpha.reciprocal();
  const t3 = q.rate.mul(p.alpha).mul(p.scale).div(p.alpha.sub(1));
  return where(p.alpha.le(1), Infinity, t1.sub(t2).add(t3).sub(1));
});
registerKl(Pareto, Gamma, (p, q) => {
  const common = p.scale.log().add(p.alpha.reciprocal());
  const t1 = p.alpha.log().sub(common);
  const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
  const t3 = q.concentration.neg().add(1).mul(common);
  const t4 = q.rate.mul(p.alpha).mul(p.scale).div(p.alpha.sub(1));
  return where(p.alpha.le(1), Infinity, t1.add(t2).add(t3).add(t4).sub(1));
});
registerKl(Pareto, Normal, (p, q) => {
  const varNormal = q.scale.pow(2).mul(2);
  const common = p.scale.div(p.alpha.sub(1));
  const t1 = q.scale.mul(Math.sqrt(2 * Math.PI)).mul(p.alpha).div(p.scale).log();
  const t2 = p.alpha.reciprocal();
  const t3 = p.alpha.mul(common.pow(2)).div(p.alpha.sub(2));
  const t4 = p.alpha.mul(common).sub(q.loc).pow(2);
  return where(p.alpha.le(2), Infinity, t1.sub(t2).add(t3.add(t4).div(varNormal)).sub(1));
});


// ---- ContinuousBernoulli ----------------------------------------------------------------------

/** E_p[-log q] for q a ContinuousBernoulli, given E_p[x] (the cross-entropy terms PyTorch spells out). */
const crossEntropyContinuousBernoulli = (mean: Tensor, q: ContinuousBernoulli): Tensor =>
  mean.mul(q.logits).neg().sub(q.probs.neg().log1p()).sub(q.contBernLogNorm());

registerKl(ContinuousBernoulli, ContinuousBernoulli, (p, q) => {
  const t1 = p.mean.mul(p.logits.sub(q.logits));
  const t2 = p.contBernLogNorm().add(p.probs.neg().log1p());
  const t3 = q.contBernLogNorm().neg().sub(q.probs.neg().log1p());
  return t1.add(t2).add(t3);
});
registerKl(Beta, ContinuousBernoulli, (p, q) => p.entropy().neg().add(crossEntropyContinuousBernoulli(p.mean, q)));
registerKl(ContinuousBernoulli, Pareto, (p) => infiniteLike(p.probs));
registerKl(ContinuousBernoulli, Exponential, (p, q) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.mean)));
registerKl(ContinuousBernoulli, Normal, (p, q) => {
  const t1 = p.entropy().neg();
  const t2 = q.loc.div(q.scale).square().add(Math.log(2 * Math.PI)).mul(0.5).add(q.scale.log());
  const t3 = p.variance.add(p.mean.square()).sub(q.loc.mul(2).mul(p.mean)).div(q.scale.square().mul(2));
  return t1.add(t2).add(t3);
});
registerKl(ContinuousBernoulli, Uniform, (p, q) => {
  const result = p.entropy().neg().add(q.high.sub(q.low).log());
  return where(q.low.ge(0).logicalOr(q.high.le(1)), Infinity, result);
});
for (const P of [Exponential, Gamma, Gumbel, Laplace, Normal, Pareto] as DistributionClass[]) {
  registerKl(P, ContinuousBernoulli, (p: Distribution) => infiniteLike(p instanceof Gumbel ? p.loc : p instanceof Pareto ? p.scale : paramOf(p)));
}
registerKl(Uniform, ContinuousBernoulli, (p, q) => {
  const result = p.entropy().neg().add(crossEntropyContinuousBernoulli(p.mean, q));
  return where(p.high.ge(1).logicalOr(p.low.le(0)), Infinity, result);
});

// ---- LowRankMultivariateNormal ----------------------------------------------------------------

/** The trace of X X^T over the last two dims (_batch_trace_XXT). */
const traceXXt = (x: Tensor): Tensor => x.pow(2).reshape([...x.shape.slice(0, -2), -1]).sum(-1);

function checkSameEvent(p: Distribution, q: Distribution, what: string): void {
  if (!sameShape(p.eventShape, q.eventShape)) {
    // PyTorch's message keeps the indentation of its source line's continuation.
    throw new Error(`KL-divergence between two ${what} with${" ".repeat(26)}different event shapes cannot be computed`);
  }
}

/** A = L_C^-1 W^T D^-1 for q's capacitance factor L_C: q's precision is D^-1 - A^T A. */
function lowRankPrecisionFactor(q: LowRankMultivariateNormal): Tensor {
  const wtDinv = q.unbroadcastedCovFactor.mT.div(q.unbroadcastedCovDiag.unsqueeze(-2));
  return solveTriangular(q.capacitanceTril, wtDinv, { upper: false });
}

const lowRankLogdetOf = (d: LowRankMultivariateNormal): Tensor => lowrankLogdet(d.unbroadcastedCovDiag, d.capacitanceTril);
const lowRankMahalanobisOf = (q: LowRankMultivariateNormal, x: Tensor): Tensor =>
  lowrankMahalanobis(q.unbroadcastedCovFactor, q.unbroadcastedCovDiag, x, q.capacitanceTril);

registerKl(LowRankMultivariateNormal, LowRankMultivariateNormal, (p, q) => {
  checkSameEvent(p, q, "Low Rank Multivariate Normals");
  const term1 = lowRankLogdetOf(q).sub(lowRankLogdetOf(p));
  const term3 = lowRankMahalanobisOf(q, q.loc.sub(p.loc));
  const a = lowRankPrecisionFactor(q);
  const pW = p.unbroadcastedCovFactor, pD = p.unbroadcastedCovDiag, qD = q.unbroadcastedCovDiag;
  const term21 = pD.div(qD).sum(-1);
  const term22 = traceXXt(pW.mul(qD.rsqrt().unsqueeze(-1)));
  const term23 = traceXXt(a.mul(pD.sqrt().unsqueeze(-2)));
  const term24 = traceXXt(matmul(a, pW));
  const term2 = term21.add(term22).sub(term23).sub(term24);
  return term1.add(term2).add(term3).sub(p.eventShape[0]!).mul(0.5);
});
registerKl(MultivariateNormal, LowRankMultivariateNormal, (p, q) => {
  checkSameEvent(p, q, "(Low Rank) Multivariate Normals");
  const pL = p.unbroadcastedScaleTril;
  const term1 = lowRankLogdetOf(q).sub(pL.diagonal(0, -2, -1).log().sum(-1).mul(2));
  const term3 = lowRankMahalanobisOf(q, q.loc.sub(p.loc));
  const a = lowRankPrecisionFactor(q);
  const term21 = traceXXt(pL.mul(q.unbroadcastedCovDiag.rsqrt().unsqueeze(-1)));
  const term22 = traceXXt(matmul(a, pL));
  return term1.add(term21.sub(term22)).add(term3).sub(p.eventShape[0]!).mul(0.5);
});
registerKl(LowRankMultivariateNormal, MultivariateNormal, (p, q) => {
  checkSameEvent(p, q, "(Low Rank) Multivariate Normals");
  const qL = q.unbroadcastedScaleTril;
  const term1 = qL.diagonal(0, -2, -1).log().sum(-1).mul(2).sub(lowRankLogdetOf(p));
  const term3 = batchMahalanobis(qL, q.loc.sub(p.loc));
  const batch = broadcastShapes(qL.shape.slice(0, -2), p.unbroadcastedCovFactor.shape.slice(0, -2));
  const n = p.eventShape[0]!;
  const qTril = qL.expand([...batch, n, n]);
  const pW = p.unbroadcastedCovFactor.expand([...batch, n, p.covFactor.size(-1)]);
  const pD = p.unbroadcastedCovDiag.sqrt().diagEmbed().expand([...batch, n, n]);
  const term21 = traceXXt(solveTriangular(qTril, pW, { upper: false }));
  const term22 = traceXXt(solveTriangular(qTril, pD, { upper: false }));
  return term1.add(term21.add(term22)).add(term3).sub(n).mul(0.5);
});
