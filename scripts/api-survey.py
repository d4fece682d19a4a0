# PyTorch's public names for scripts/api-survey.ts: run with /usr/bin/python3 (Debian's PyTorch 1.13);
# prints JSON {namespace: [names]} of torch functions, Tensor members, F, nn classes, linalg, special,
# fft, optim, lr_scheduler classes, nn.init, torch.sparse functions, and the public names of
# torch.distributions, torch.autograd.functional, torch.nn.utils (and its parametrize,
# parametrizations, prune, stateless), torch.utils.checkpoint, torch.ao.quantization and
# torch.ao.nn.quantized (torch.func is not in 1.13).
import torch, json, inspect
import torch.nn.functional as F
import torch.distributions, torch.autograd.functional, torch.utils.checkpoint
import torch.nn.utils.parametrize, torch.nn.utils.parametrizations, torch.nn.utils.prune, torch.nn.utils.stateless
import torch.ao.quantization, torch.ao.nn.quantized, torch.testing, torch.random, torch.utils.data
def pub(obj):
    return sorted(n for n in dir(obj) if not n.startswith('_'))
out = {
 'torch': [n for n in pub(torch) if callable(getattr(torch,n)) and not inspect.isclass(getattr(torch,n)) and not inspect.ismodule(getattr(torch,n))],
 'Tensor': [n for n in dir(torch.Tensor) if not n.startswith('_')],
 'F': [n for n in pub(F) if callable(getattr(F,n)) and not inspect.isclass(getattr(F,n))],
 'nn': [n for n in pub(torch.nn) if inspect.isclass(getattr(torch.nn,n))],
 'linalg': pub(torch.linalg), 'special': pub(torch.special), 'fft': pub(torch.fft),
 'optim': [n for n in pub(torch.optim) if inspect.isclass(getattr(torch.optim,n))],
 'sched': [n for n in pub(torch.optim.lr_scheduler) if inspect.isclass(getattr(torch.optim.lr_scheduler,n))],
 'init': pub(torch.nn.init),
 'sparse': [n for n in pub(torch.sparse) if callable(getattr(torch.sparse,n)) and not inspect.isclass(getattr(torch.sparse,n))],
}
def members(mod):
    # what the module defines or re-exports as its API: its __all__ when it has one, else its
    # public callables that are not modules; only torch's own (not typing's Any, abc's ABC, ...)
    names = getattr(mod, '__all__', None) or [n for n in pub(mod) if callable(getattr(mod, n)) and not inspect.ismodule(getattr(mod, n))]
    return sorted(n for n in set(names) if str(getattr(getattr(mod, n, None), '__module__', 'torch')).startswith('torch'))
for space, mod in [('distributions', torch.distributions), ('autograd.functional', torch.autograd.functional),
                   ('nn.utils', torch.nn.utils), ('nn.utils.parametrize', torch.nn.utils.parametrize),
                   ('nn.utils.parametrizations', torch.nn.utils.parametrizations), ('nn.utils.prune', torch.nn.utils.prune),
                   ('nn.utils.stateless', torch.nn.utils.stateless), ('utils.checkpoint', torch.utils.checkpoint),
                   ('ao.quantization', torch.ao.quantization), ('ao.nn.quantized', torch.ao.nn.quantized),
                   ('testing', torch.testing), ('random', torch.random), ('utils.data', torch.utils.data)]:
    out[space] = members(mod)
print(json.dumps(out))
