"""What the study's networks cost: parameters and multiply-accumulates per forward pass, beside
the paper's printed count and the first layer of a convolutional network for scale."""

import pandas as pd

from leanmlp.nn.models import MLPSpec


def convolution_multiplications(size: int, kernel: int, stride: int, padding: int, kernels: int) -> int:
    """Multiplications of one convolution layer on a size x size single-channel input."""
    out = (size - kernel + 2 * padding) // stride + 1
    return out * out * kernel * kernel * kernels


def network_macs(inputs: int, hidden: list[int], outputs: int) -> int:
    """Multiply-accumulates of one forward pass of an MLP of these layer sizes."""
    return MLPSpec(inputs, outputs, tuple(hidden)).macs_per_sample()


def macs_table(specs: list[MLPSpec], paper_printed: int) -> pd.DataFrame:
    """Parameters and multiply-accumulates per forward pass of every architecture used."""
    rows = []
    for spec in specs:
        rows.append({"architecture": "-".join(map(str, spec.layer_sizes)), "parameters": spec.n_params(),
                     "multiply_accumulates": spec.macs_per_sample()})
    table = pd.DataFrame(rows).drop_duplicates().sort_values("multiply_accumulates")
    paper_net = MLPSpec(78, 47, (128, 128, 128))
    notes = pd.DataFrame([
        {"architecture": "78-128-128-128-47 as printed in the paper (one 128x128 term too many)",
         "parameters": None, "multiply_accumulates": paper_printed},
        {"architecture": "78-128-128-128-47 computed", "parameters": paper_net.n_params(),
         "multiply_accumulates": paper_net.macs_per_sample()},
        {"architecture": "GoogLeNet first layer on a 28x28x1 input (7x7, stride 2, pad 3, 64 kernels)",
         "parameters": 7 * 7 * 64 + 64,
         "multiply_accumulates": convolution_multiplications(size=28, kernel=7, stride=2, padding=3, kernels=64)},
    ])
    return pd.concat([table, notes], ignore_index=True)
