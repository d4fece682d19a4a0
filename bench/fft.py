# PyTorch's figures for bench/fft.ts (same cases, same method: best of 10, process CPU time):
#   /usr/bin/python3 bench/fft.py
import time
import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def best(f):
    for _ in range(2):
        f()
    b = float("inf")
    for _ in range(10):
        t = time.process_time()
        f()
        b = min(b, time.process_time() - t)
    return b * 1000


z = torch.randn(256, 1024, dtype=torch.complex64)
x = torch.randn(256, 1024)
big = torch.randn(1 << 20, dtype=torch.complex128)
prime = torch.randn(64, 10007, dtype=torch.complex128)
image = torch.randn(512, 512)
signal = torch.randn(160000)
window = torch.hann_window(512)
CASES = [
    ("fft complex64 [256, 1024]", lambda: torch.fft.fft(z)),
    ("rfft float32 [256, 1024]", lambda: torch.fft.rfft(x)),
    ("fft complex128 2^20", lambda: torch.fft.fft(big)),
    ("fft complex128 [64, 10007] (Bluestein)", lambda: torch.fft.fft(prime)),
    ("rfft2 float32 [512, 512]", lambda: torch.fft.rfft2(image)),
    ("stft 160000 n_fft=512 hann", lambda: torch.stft(signal, 512, window=window, return_complex=True)),
]
for name, f in CASES:
    print(f"{name:40} {best(f):.2f} ms")
