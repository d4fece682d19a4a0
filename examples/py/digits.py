# The 8x8 digits that torch-ts embeds (src/datasets/data/digits.csv.gz: the UCI "Optical Recognition
# of Handwritten Digits" test set, E. Alpaydin and C. Kaynak, 1998, CC BY 4.0, as shipped by
# scikit-learn), loaded as torch.datasets.Digits loads them: float32 images [N, 1, 8, 8] in [0, 1]
# (pixel values 0-16 divided by 16) and int64 labels [N].
import gzip
import os

import torch

_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "datasets", "data", "digits.csv.gz")


def load_digits():
    with gzip.open(_FILE, "rt") as f:
        rows = [[int(v) for v in line.split(",")] for line in f.read().strip().split("\n")]
    images = torch.tensor([r[:64] for r in rows], dtype=torch.float32).div(16).reshape(-1, 1, 8, 8)
    targets = torch.tensor([r[64] for r in rows], dtype=torch.int64)
    return images, targets
