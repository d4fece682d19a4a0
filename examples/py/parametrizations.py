# PyTorch's "Parametrizations Tutorial" (https://pytorch.org/tutorials/intermediate/parametrizations.html,
# torch.nn.utils.parametrize), as a function: seeded, and every printed value also returned, so the
# TypeScript port (examples/parametrizations.ts, line by line) can be checked against these numbers.
# Nothing needs scaling: the tutorial works on 3x3 and 4x4 matrices and a 5->8 channel 3x3 Conv2d.
# NoisyParametrization counts its calls besides printing them.
#   /usr/bin/python3 examples/py/parametrizations.py
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize


def run(seed=0, verbose=True):
    torch.manual_seed(seed)
    out = {}

    def show(key, value):
        if verbose:
            print(f"{key}:\n{value}")
        out[key] = value.tolist() if isinstance(value, torch.Tensor) else value

    # Implementing parametrizations by hand
    def symmetric(X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    X = torch.rand(3, 3)
    A = symmetric(X)
    assert torch.allclose(A, A.T)  # A is symmetric
    show("A", A)  # Quick visual check

    class LinearSymmetric(nn.Module):
        def __init__(self, n_features):
            super().__init__()
            self.weight = nn.Parameter(torch.rand(n_features, n_features))

        def forward(self, x):
            A = symmetric(self.weight)
            return x @ A

    layer = LinearSymmetric(3)
    out_ = layer(torch.rand(8, 3))
    show("LinearSymmetric out", out_)

    # Introduction to parametrizations
    class Symmetric(nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Symmetric())
    A = layer.weight
    assert torch.allclose(A, A.T)  # A is symmetric
    show("Symmetric weight", A)  # Quick visual check

    class Skew(nn.Module):
        def forward(self, X):
            A = X.triu(1)
            return A - A.transpose(-1, -2)

    cnn = nn.Conv2d(in_channels=5, out_channels=8, kernel_size=3)
    parametrize.register_parametrization(cnn, "weight", Skew())
    # Print a few kernels
    show("cnn.weight[0, 1]", cnn.weight[0, 1])
    show("cnn.weight[2, 2]", cnn.weight[2, 2])

    # Inspecting a parametrized module
    layer = nn.Linear(3, 3)
    show("Unparametrized", str(layer))
    parametrize.register_parametrization(layer, "weight", Symmetric())
    show("Parametrized", str(layer))
    show("layer.parametrizations", str(layer.parametrizations))
    show("layer.parametrizations.weight", str(layer.parametrizations.weight))
    show("layer.parametrizations.weight[0]", str(layer.parametrizations.weight[0]))
    show("named_parameters", list(dict(layer.named_parameters()).keys()))
    show("original", layer.parametrizations.weight.original)
    symmetric = Symmetric()
    weight_orig = layer.parametrizations.weight.original
    show("dist(layer.weight, symmetric(weight_orig))", torch.dist(layer.weight, symmetric(weight_orig)).item())

    # Caching the value of a parametrization
    calls = []

    class NoisyParametrization(nn.Module):
        def forward(self, X):
            if verbose:
                print("Computing the Parametrization")
            calls.append(1)
            return X

    layer = nn.Linear(4, 4)
    parametrize.register_parametrization(layer, "weight", NoisyParametrization())
    show("calls after registration", len(calls))
    if verbose:
        print("Here, layer.weight is recomputed every time we call it")
    foo = layer.weight + layer.weight.T
    bar = layer.weight.sum()
    show("calls uncached", len(calls))
    with parametrize.cached():
        if verbose:
            print("Here, it is computed just the first time layer.weight is called")
        foo = layer.weight + layer.weight.T
        bar = layer.weight.sum()
    show("calls cached", len(calls))
    show("foo + bar", (foo + bar).sum().item())

    # Concatenating parametrizations
    class CayleyMap(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.register_buffer("Id", torch.eye(n))

        def forward(self, X):
            # (I + X)(I - X)^{-1}
            return torch.linalg.solve(self.Id - X, self.Id + X)

    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Skew())
    parametrize.register_parametrization(layer, "weight", CayleyMap(3))
    X = layer.weight
    show("Cayley weight", X)
    show("Cayley dist(X.T @ X, I)", torch.dist(X.T @ X, torch.eye(3)).item())  # X is orthogonal

    class MatrixExponential(nn.Module):
        def forward(self, X):
            return torch.matrix_exp(X)

    layer_orthogonal = nn.Linear(3, 3)
    parametrize.register_parametrization(layer_orthogonal, "weight", Skew())
    parametrize.register_parametrization(layer_orthogonal, "weight", MatrixExponential())
    X = layer_orthogonal.weight
    show("matrix_exp weight", X)
    show("matrix_exp dist(X.T @ X, I)", torch.dist(X.T @ X, torch.eye(3)).item())  # X is orthogonal

    layer_spd = nn.Linear(3, 3)
    parametrize.register_parametrization(layer_spd, "weight", Symmetric())
    parametrize.register_parametrization(layer_spd, "weight", MatrixExponential())
    X = layer_spd.weight
    show("spd weight", X)
    show("spd dist(X, X.T)", torch.dist(X, X.T).item())  # X is symmetric
    show("spd eigvalsh", torch.linalg.eigvalsh(X))
    show("spd positive definite", bool((torch.linalg.eigvalsh(X) > 0.).all()))  # X is positive definite

    # Initializing parametrizations
    class Skew(nn.Module):
        def forward(self, X):
            A = X.triu(1)
            return A - A.transpose(-1, -2)

        def right_inverse(self, A):
            # We assume that A is skew-symmetric
            # We take the upper-triangular elements, as these are those used in the forward
            return A.triu(1)

    layer = nn.Linear(3, 3)
    parametrize.register_parametrization(layer, "weight", Skew())
    X = torch.rand(3, 3)
    X = X - X.T                             # X is now skew-symmetric
    layer.weight = X                        # Initialize layer.weight to be X
    show("skew init dist", torch.dist(layer.weight, X).item())  # layer.weight == X
    show("skew init original", layer.parametrizations.weight.original)

    class CayleyMap(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.register_buffer("Id", torch.eye(n))

        def forward(self, X):
            # Assume X skew-symmetric
            # (I + X)(I - X)^{-1}
            return torch.linalg.solve(self.Id - X, self.Id + X)

        def right_inverse(self, A):
            # Assume A orthogonal
            # See https://en.wikipedia.org/wiki/Cayley_transform#Matrix_map
            # (A - I)(A + I)^{-1}
            return torch.linalg.solve(A + self.Id, A - self.Id)

    layer_orthogonal = nn.Linear(3, 3)
    parametrize.register_parametrization(layer_orthogonal, "weight", Skew())
    parametrize.register_parametrization(layer_orthogonal, "weight", CayleyMap(3))
    # Sample an orthogonal matrix with positive determinant
    X = torch.empty(3, 3)
    nn.init.orthogonal_(X)
    if X.det() < 0.:
        X[0].neg_()
    layer_orthogonal.weight = X
    show("orthogonal X", X)
    show("orthogonal init dist", torch.dist(layer_orthogonal.weight, X).item())  # layer_orthogonal.weight == X

    class PruningParametrization(nn.Module):
        def __init__(self, X, p_drop=0.2):
            super().__init__()
            # sample zeros with probability p_drop
            mask = torch.full_like(X, 1.0 - p_drop)
            self.mask = torch.bernoulli(mask)

        def forward(self, X):
            return X * self.mask

        def right_inverse(self, A):
            return A

    layer = nn.Linear(3, 4)
    X = torch.rand_like(layer.weight)
    show("Initialization matrix", X)
    parametrize.register_parametrization(layer, "weight", PruningParametrization(layer.weight))
    layer.weight = X
    show("Initialized weight", layer.weight)

    # Removing parametrizations
    layer = nn.Linear(3, 3)
    show("Before (leave_parametrized=True)", layer.weight)
    parametrize.register_parametrization(layer, "weight", Skew())
    show("Parametrized (leave_parametrized=True)", layer.weight)
    parametrize.remove_parametrizations(layer, "weight")
    show("After (leave_parametrized=True)", str(layer))
    show("After weight (leave_parametrized=True)", layer.weight)

    layer = nn.Linear(3, 3)
    show("Before (leave_parametrized=False)", layer.weight)
    parametrize.register_parametrization(layer, "weight", Skew())
    show("Parametrized (leave_parametrized=False)", layer.weight)
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    show("After (leave_parametrized=False)", str(layer))
    show("After weight (leave_parametrized=False)", layer.weight)
    return out


if __name__ == "__main__":
    run()
