"""The DNN acoustic model: its JSON-able config and the network built from it.

The network is a plain ``nn.Sequential`` of ``nn.Linear`` layers with an
activation module between them; the last Linear gives logits (no softmax).
That fixed shape is the contract with sparsity (masks as parametrizations
of each Linear's weight), quantization and the hardware emulator, which
convert it layer by layer.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from cgs_asr.features.cmvn import CMVN_SCOPES

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid}

# Hidden layers x width. "paper": the reference scale (Kadetotad et al. 2016).
# "default": same depth, narrower, so the default recipe (~1.5 M frames)
# trains within ~15 minutes on 2 CPU cores (see benchmarks/training.py).
# "kws": the paper's keyword-spotting network (use it with 15 frames of context).
PRESETS = {
    "paper": {"hidden_layers": 4, "hidden_dim": 1024},
    "default": {"hidden_layers": 4, "hidden_dim": 384},
    "kws": {"hidden_layers": 3, "hidden_dim": 512},
}


class ModelConfigError(ValueError):
    """A model config that cannot describe a network."""


@dataclass
class ModelConfig:
    """Everything needed to rebuild the network and to prepare its input.

    The input pipeline (CMVN per ``cmvn`` scope, speaker or utterance, then
    splicing ``left_context`` and ``right_context`` frames of ``feat_dim``)
    belongs to the model: decoding must feed the network exactly what
    training did.

    ``bottleneck_dim`` > 0 puts a linear layer of that width (no activation)
    between the last hidden layer and the output layer: a low-rank output
    layer (Sainath et al., ICASSP 2013), as Kaldi nnet3's linear "prefinal"
    layers. With thousands of pdfs, the output layer holds most of the
    weights, and under CGS each block-row of pdfs sees only its kept quarter
    of the last hidden layer; through the bottleneck every pdf reaches all
    hidden units. (On the main job that did not narrow the CGS DNN's loss
    against the dense one: README, "Which layer's sparsity costs %WER".)
    """

    num_pdfs: int
    feat_dim: int = 40
    left_context: int = 5
    right_context: int = 5
    hidden_layers: int = PRESETS["default"]["hidden_layers"]
    hidden_dim: int = PRESETS["default"]["hidden_dim"]
    activation: str = "relu"
    bottleneck_dim: int = 0
    norm_vars: bool = False
    cmvn: str = "speaker"   # scope of the CMVN statistics (cgs_asr.features.cmvn.CMVN_SCOPES)

    def __post_init__(self):
        positive = ("num_pdfs", "feat_dim", "hidden_dim")
        for name in positive:
            if getattr(self, name) < 1:
                raise ModelConfigError(f"model config: {name} must be at least 1, not {getattr(self, name)}")
        for name in ("left_context", "right_context", "hidden_layers", "bottleneck_dim"):
            if getattr(self, name) < 0:
                raise ModelConfigError(f"model config: {name} must not be negative, not {getattr(self, name)}")
        if self.activation not in ACTIVATIONS:
            raise ModelConfigError(f"model config: unknown activation '{self.activation}' "
                                   f"(one of {', '.join(ACTIVATIONS)})")
        if self.cmvn not in CMVN_SCOPES:
            raise ModelConfigError(f"model config: unknown CMVN scope '{self.cmvn}' (one of {', '.join(CMVN_SCOPES)})")

    @property
    def input_dim(self) -> int:
        return self.feat_dim * (self.left_context + 1 + self.right_context)

    @classmethod
    def from_preset(cls, preset: str, num_pdfs: int, **overrides) -> "ModelConfig":
        """The preset's layers, then any non-None ``overrides`` (e.g. from the command line)."""
        if preset not in PRESETS:
            raise ModelConfigError(f"unknown model preset '{preset}' (one of {', '.join(PRESETS)})")
        fields = {**PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None}}
        return cls(num_pdfs=num_pdfs, **fields)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "ModelConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ModelConfigError(f"model config: unknown fields {', '.join(unknown)}")
        return cls(**values)


def make_model(config: ModelConfig, seed: int | None = None) -> nn.Sequential:
    """Linear, activation, ..., [Linear (bottleneck),] Linear (logits). ``seed`` fixes the initial weights
    without disturbing torch's global random state."""
    with torch.random.fork_rng(enabled=seed is not None):
        if seed is not None:
            torch.manual_seed(seed)
        layers: list[nn.Module] = []
        dim = config.input_dim
        for _ in range(config.hidden_layers):
            layers += [nn.Linear(dim, config.hidden_dim), ACTIVATIONS[config.activation]()]
            dim = config.hidden_dim
        if config.bottleneck_dim:
            layers.append(nn.Linear(dim, config.bottleneck_dim))
            dim = config.bottleneck_dim
        layers.append(nn.Linear(dim, config.num_pdfs))
    return nn.Sequential(*layers)


@contextmanager
def eval_mode(module: nn.Module) -> Iterator[None]:
    """Evaluation mode inside the block, the caller's mode after it."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)
