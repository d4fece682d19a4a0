# PyTorch's public names for scripts/api-survey.ts: run with /usr/bin/python3 (Debian's PyTorch 1.13);
# prints JSON {namespace: [names]} of torch functions, Tensor members, F, nn classes, linalg, special,
# fft, optim, lr_scheduler classes, nn.init and torch.sparse functions.
import torch, json, inspect
import torch.nn.functional as F
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
print(json.dumps(out))
