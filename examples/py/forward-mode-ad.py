# The tutorial "Forward-mode Automatic Differentiation" (pytorch/tutorials
# intermediate_source/forward_ad_usage.py): every step, in order, from one seed. Debian's PyTorch
# 1.13 runs it as written except functional_call, which 1.13 has as
# torch.nn.utils.stateless.functional_call (the same call with one dict); functorch.jvp and
# functorch.make_functional_with_buffers are the tutorial's own spelling.
# The TypeScript port, line by line: examples/forward-mode-ad.ts.
#   /usr/bin/python3 examples/py/forward-mode-ad.py
import functools

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
from torch.nn.utils.stateless import functional_call  # torch.func.functional_call in PyTorch 2
import functorch as ft


def run(seed=0):
    """The tutorial's steps; returns each Jacobian-vector product it computes (nested lists) and
    gradcheck's verdict."""
    torch.manual_seed(seed)
    out = {}

    # Basic Usage
    primal = torch.randn(10, 10)
    tangent = torch.randn(10, 10)

    def fn(x, y):
        return x ** 2 + y ** 2

    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        assert fwAD.unpack_dual(dual_input).tangent is tangent

        dual_input_alt = fwAD.make_dual(primal, tangent.T)
        assert fwAD.unpack_dual(dual_input_alt).tangent is not tangent

        plain_tensor = torch.randn(10, 10)
        dual_output = fn(dual_input, plain_tensor)

        jvp = fwAD.unpack_dual(dual_output).tangent

    assert fwAD.unpack_dual(dual_output).tangent is None
    out["basic_jvp"] = jvp.tolist()

    # Usage with Modules
    model = nn.Linear(5, 5)
    input = torch.randn(16, 5)

    params = {name: p for name, p in model.named_parameters()}
    tangents = {name: torch.rand_like(p) for name, p in params.items()}

    with fwAD.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))

        out_ = model(input)
        jvp = fwAD.unpack_dual(out_).tangent
    out["module_jvp"] = jvp.tolist()

    # Using the functional Module API
    model = nn.Linear(5, 5)

    dual_params = {}
    with fwAD.dual_level():
        for name, p in params.items():
            dual_params[name] = fwAD.make_dual(p, tangents[name])
        out_ = functional_call(model, dual_params, input)
        jvp2 = fwAD.unpack_dual(out_).tangent

    assert torch.allclose(jvp, jvp2)
    out["functional_call_diff"] = (jvp - jvp2).abs().max().item()

    # Custom autograd Function
    class Fn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, foo):
            result = torch.exp(foo)
            ctx.result = result
            return result

        @staticmethod
        def jvp(ctx, gI):
            gO = gI * ctx.result
            del ctx.result
            return gO

    fn = Fn.apply

    primal = torch.randn(10, 10, dtype=torch.double, requires_grad=True)
    tangent = torch.randn(10, 10)

    with fwAD.dual_level():
        dual_input = fwAD.make_dual(primal, tangent)
        dual_output = fn(dual_input)
        jvp = fwAD.unpack_dual(dual_output).tangent
    out["custom_jvp"] = jvp.tolist()

    out["gradcheck"] = torch.autograd.gradcheck(Fn.apply, (primal,), check_forward_ad=True,
                                                check_backward_ad=False, check_undefined_grad=False,
                                                check_batched_grad=False)

    # Functional API
    primal0 = torch.randn(10, 10)
    tangent0 = torch.randn(10, 10)
    primal1 = torch.randn(10, 10)
    tangent1 = torch.randn(10, 10)

    def fn(x, y):
        return x ** 2 + y ** 2

    primal_out, tangent_out = ft.jvp(fn, (primal0, primal1), (tangent0, tangent1))
    out["ft_primal_out"] = primal_out.tolist()
    out["ft_tangent_out"] = tangent_out.tolist()

    primal = torch.randn(10, 10)
    tangent = torch.randn(10, 10)
    y = torch.randn(10, 10)

    new_fn = functools.partial(fn, y=y)
    primal_out, tangent_out = ft.jvp(new_fn, (primal,), (tangent,))
    out["partial_primal_out"] = primal_out.tolist()
    out["partial_tangent_out"] = tangent_out.tolist()

    # Using the functional API with Modules
    model = nn.Linear(5, 5)
    input = torch.randn(16, 5)
    tangents = tuple([torch.rand_like(p) for p in model.parameters()])

    func, params, buffers = ft.make_functional_with_buffers(model)

    def func_params_only(params):
        return func(params, buffers, input)

    model_output, jvp_out = ft.jvp(func_params_only, (params,), (tangents,))
    out["model_output"] = model_output.tolist()
    out["model_jvp_out"] = jvp_out.tolist()
    return out


if __name__ == "__main__":
    r = run()
    print("jvp_out[0]", r["model_jvp_out"][0])
