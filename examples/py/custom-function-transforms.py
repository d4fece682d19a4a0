# Two pages on custom autograd Functions, run from one seed: the tutorial "Double Backward with
# Custom Functions" (pytorch/tutorials intermediate_source/custom_function_double_backward_tutorial.py)
# and the note "Extending torch.func with autograd.Function" (pytorch/pytorch
# docs/source/notes/extending.func.rst).
#
# The double-backward tutorial runs on Debian's PyTorch 1.13 as written, except its torchviz graphs
# (no torchviz here): each graph is read instead through what it shows, whether grad_x has a graph
# (its grad_fn's name, requires_grad) and the second derivative differentiated through it.
#
# The torch.func note needs PyTorch 2: 1.13 has neither Function.setup_context nor functorch
# transforms over an autograd.Function ("functorch functions ... currently do not support the use
# of autograd.Function"). So its Functions are written here in 1.13's form, forward(ctx, ...) doing
# what forward and setup_context do, and each transform is computed by its equivalent:
# grad(f)(x) as torch.autograd.grad, grad(grad(f)) as two of them (create_graph=True), vmap(f)(x) as
# f on each x[i] stacked, the vmap staticmethod's rule by calling its body on the batch, jvp and
# jacfwd in a forward_ad dual level (one pass per basis tangent for jacfwd).
# The TypeScript port, with torch.func as the note writes it: examples/custom-function-transforms.ts.
#   /usr/bin/python3 examples/py/custom-function-transforms.py
import numpy as np
import torch
import torch.autograd.forward_ad as fwAD


# Double Backward with Custom Functions
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_out):
        result, = ctx.saved_tensors
        return result * grad_out


class Sinh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input


def sinh(x):
    return Sinh.apply(x)[0]


class SinhBad(torch.autograd.Function):
    # This is an example of what NOT to do!
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.expx = expx
        ctx.expnegx = expnegx
        return (expx - expnegx) / 2

    @staticmethod
    def backward(ctx, grad_out):
        expx = ctx.expx
        expnegx = ctx.expnegx
        grad_input = grad_out * (expx + expnegx) / 2
        return grad_input


def cube_forward(x):
    return x**3


def cube_backward(grad_out, x):
    return grad_out * 3 * x**2


def cube_backward_backward(grad_out, sav_grad_out, x):
    return grad_out * sav_grad_out * 6 * x


def cube_backward_backward_grad_out(grad_out, x):
    return grad_out * 3 * x**2


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return cube_forward(x)

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return CubeBackward.apply(grad_out, x)


class CubeBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, grad_out, x):
        ctx.save_for_backward(x, grad_out)
        return cube_backward(grad_out, x)

    @staticmethod
    def backward(ctx, grad_out):
        x, sav_grad_out = ctx.saved_tensors
        dx = cube_backward_backward(grad_out, sav_grad_out, x)
        dgrad_out = cube_backward_backward_grad_out(grad_out, x)
        return dgrad_out, dx


def graph_of(grad_x, x, out):
    """What the tutorial's torchviz graph of grad_x shows: its grad_fn, and the derivative of
    grad_x.sum() with respect to x through it (None without a graph)."""
    gg = torch.autograd.grad(grad_x.sum(), x)[0].tolist() if grad_x.requires_grad else None
    return {"grad_x": grad_x.tolist(), "out": out.tolist(), "grad_fn": grad_x.grad_fn.name() if grad_x.grad_fn else None,
            "requires_grad": grad_x.requires_grad, "grad_grad_x": gg}


def double_backward():
    out_ = {}
    x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
    out_["square_checks"] = [torch.autograd.gradcheck(Square.apply, x), torch.autograd.gradgradcheck(Square.apply, x)]

    x = torch.tensor(1., requires_grad=True).clone()
    out = Square.apply(x)
    grad_x, = torch.autograd.grad(out, x, create_graph=True)
    out_["square"] = graph_of(grad_x, x, out)

    x = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
    out_["exp_checks"] = [torch.autograd.gradcheck(Exp.apply, x), torch.autograd.gradgradcheck(Exp.apply, x)]
    out = Exp.apply(x)
    grad_x, = torch.autograd.grad(out, x, create_graph=True)
    out_["exp"] = graph_of(grad_x, x, out)

    x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
    out_["sinh_checks"] = [torch.autograd.gradcheck(sinh, x), torch.autograd.gradgradcheck(sinh, x)]
    out = sinh(x)
    grad_x, = torch.autograd.grad(out.sum(), x, create_graph=True)
    out_["sinh"] = graph_of(grad_x, x, out)

    out = SinhBad.apply(x)
    grad_x, = torch.autograd.grad(out.sum(), x, create_graph=True)
    out_["sinh_bad"] = graph_of(grad_x, x, out)

    x = torch.tensor(2., requires_grad=True, dtype=torch.double)
    out_["cube_checks"] = [torch.autograd.gradcheck(Cube.apply, x), torch.autograd.gradgradcheck(Cube.apply, x)]
    out = Cube.apply(x)
    grad_x, = torch.autograd.grad(out, x, create_graph=True)
    out_["cube"] = graph_of(grad_x, x, out)
    return out_


# Extending torch.func with autograd.Function, in 1.13's form (see the header)
def to_numpy(tensor):
    return tensor.cpu().numpy()


class NumpySort(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, dim):
        device = x.device
        x = to_numpy(x)
        ind = np.argsort(x, axis=dim)
        ind_inv = np.argsort(ind, axis=dim)
        result = np.take_along_axis(x, ind, axis=dim)
        output = (torch.tensor(result, device=device), torch.tensor(ind, device=device),
                  torch.tensor(ind_inv, device=device))
        # setup_context's part
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim
        return output

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        ind, ind_inv = ctx.saved_tensors
        return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

    @staticmethod
    def vmap_rule(info_batch_size, in_dims, x, dim):
        # the note's vmap staticmethod
        x_bdim, _ = in_dims
        x = x.movedim(x_bdim, 0)
        dim = dim if dim >= 0 else dim + x.dim() - 1
        return NumpySort.apply(x, dim + 1), (0, 0, 0)


class NumpyTake(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, ind, ind_inv, dim):
        # setup_context's part
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim
        device = x.device
        x = to_numpy(x)
        ind = to_numpy(ind)
        return torch.tensor(np.take_along_axis(x, ind, dim), device=device)

    @staticmethod
    def backward(ctx, grad_output):
        ind, ind_inv = ctx.saved_tensors
        result = NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim)
        return result, None, None, None


def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = x ** 3
        dx = 3 * x ** 2
        # setup_context's part (and, for jvp, the tensors it reads)
        ctx.save_for_backward(x, dx)
        ctx.save_for_forward(x, dx)
        return result, dx

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result

    @staticmethod
    def jvp(ctx, x_t):
        # not in the note: the jvp staticmethod torch.func.jvp needs
        x, dx = ctx.saved_tensors
        return dx * x_t, 6 * x * x_t


def my_cube(x):
    result, _ = MyCube.apply(x)
    return result


def extending_func():
    out = {}
    # Example 1: grad of numpy_sort
    x = torch.randn(2, 3)
    xg = x.clone().requires_grad_()
    grad_x, = torch.autograd.grad(numpy_sort(xg).sum(), xg)  # torch.func.grad(lambda x: numpy_sort(x).sum())(x)
    assert torch.allclose(grad_x, torch.ones_like(x))
    out["sort_x"] = x.tolist()
    out["sort_grad_x"] = grad_x.tolist()

    # Example 2: second-order gradients of my_cube
    x = torch.randn([])
    xg = x.clone().requires_grad_()
    gx, = torch.autograd.grad(my_cube(xg), xg, create_graph=True)
    ggx, = torch.autograd.grad(gx, xg)  # torch.func.grad(torch.func.grad(my_cube))(x)
    assert torch.allclose(ggx, 6 * x)
    out["cube_x"] = x.item()
    out["cube_ggx"] = ggx.item()

    # generate_vmap_rule: vmap(my_cube)
    x = torch.randn(3)
    result = torch.stack([my_cube(xi) for xi in x])  # torch.vmap(my_cube)(x)
    assert torch.allclose(result, x ** 3)
    out["vmap_cube"] = result.tolist()

    # the vmap staticmethod: vmap(numpy_sort)
    x = torch.randn(2, 3)
    result = torch.stack([numpy_sort(xi) for xi in x])  # torch.vmap(numpy_sort)(x)
    assert torch.allclose(result, numpy_sort(result, 1))
    rule_result, rule_out_dims = NumpySort.vmap_rule(2, (0, None), x, -1)
    assert torch.equal(rule_result[0], result)
    out["vmap_sort_x"] = x.tolist()
    out["vmap_sort"] = result.tolist()
    out["vmap_sort_ind"] = rule_result[1].tolist()

    # jvp (not in the note's examples): torch.func.jvp(my_cube, (x,), (t,)) and jacfwd(my_cube)(x)
    x = torch.randn(4)
    t = torch.randn(4)
    with fwAD.dual_level():
        y = my_cube(fwAD.make_dual(x, t))
        jvp_out = fwAD.unpack_dual(y).tangent
    columns = []
    for j in range(4):
        with fwAD.dual_level():
            y = my_cube(fwAD.make_dual(x, torch.eye(4)[j]))
            columns.append(fwAD.unpack_dual(y).tangent)
    out["jvp_x"] = x.tolist()
    out["jvp"] = jvp_out.tolist()
    out["jacfwd"] = torch.stack(columns, -1).tolist()
    return out


def run(seed=0):
    torch.manual_seed(seed)
    return {"double_backward": double_backward(), "extending_func": extending_func()}


if __name__ == "__main__":
    r = run()
    print(r["double_backward"]["square"], r["extending_func"]["cube_ggx"])
