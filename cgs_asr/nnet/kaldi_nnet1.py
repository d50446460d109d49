"""A float acoustic model in Kaldi's nnet1 text format, for ``nnet-forward``, and a parser for that format.

``write_nnet1_dir`` writes what Kaldi's ``steps/nnet/decode.sh`` expects in
an nnet1 dir:

- ``final.nnet``: ``<AffineTransform>`` per Linear layer (CGS-dropped blocks
  are written as the zeros they are), ``<ParametricRelu>`` with alpha 1 and
  beta 0 for ReLU (nnet1 has no plain ReLU component) or ``<Sigmoid>``
  between them, and ``<Softmax>`` last;
- ``final.feature_transform``: the ``<Splice>`` of ``-left..right`` frames
  (the network's input is spliced features, as nnet1 does it, with edge
  frames repeated like nnet1's Splice);
- ``ali_train_pdf.counts``: pdf counts whose relative frequencies are the
  model's prior, for ``nnet-forward --class-frame-counts`` (log posterior
  minus log prior, as ``cgs-compute-loglikes``);
- ``cmvn_opts``: CMVN of the input, for ``apply-cmvn`` (the model is trained
  on CMVN'd features; nnet1 applies CMVN outside the network, with the
  stats of each utterance's speaker). A model trained with per-utterance
  CMVN needs a Kaldi data dir in which every utterance is its own speaker
  (``utils/data/modify_speaker_info.sh --utts-per-spk-max 1``, then
  ``steps/compute_cmvn_stats.sh``).

Fake-quantized models are refused: their activations are quantized too,
which nnet1 cannot express; their log-likelihoods come from
``cgs-compute-loglikes --kernel fixed``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from torch import nn

from cgs_asr.atomic import atomic_write_text
from cgs_asr.nnet.compression import compression_of
from cgs_asr.nnet.modeldir import AcousticModel
from cgs_asr.sparsity import linear_layers

NNET_FILE, TRANSFORM_FILE, COUNTS_FILE, CMVN_OPTS_FILE = (
    "final.nnet", "final.feature_transform", "ali_train_pdf.counts", "cmvn_opts")


class Nnet1Error(ValueError):
    """A model that cannot be exported, or text that is not an nnet1 network we can read."""


@dataclass
class Component:
    """One nnet1 component: its marker (e.g. ``AffineTransform``), dims and parameters."""

    kind: str
    output_dim: int
    input_dim: int
    params: dict[str, np.ndarray] = field(default_factory=dict)   # weight, bias, alpha, beta, offsets


def _vector(values: np.ndarray, fmt: str = "%.9g") -> str:
    return "[ " + " ".join(fmt % v for v in values) + " ]"


def _matrix(values: np.ndarray) -> str:
    rows = ["  " + " ".join("%.9g" % v for v in row) for row in values]
    return " [\n" + "\n".join(rows) + " ]"


def format_component(c: Component) -> str:
    """The text form Kaldi's ``Component::Write`` gives (a learning-rate coefficient of 1 on trainable parts)."""
    head = f"<{c.kind}> {c.output_dim} {c.input_dim}\n"
    if c.kind == "AffineTransform":
        body = (f"<LearnRateCoef> 1 <BiasLearnRateCoef> 1 <MaxNorm> 0\n{_matrix(c.params['weight'])}\n"
                f" {_vector(c.params['bias'])}\n")
    elif c.kind == "ParametricRelu":
        body = (f"<BiasLearnRateCoef> 1 <LearnRateCoef> 1 <ClipGradient> 0\n"
                f" {_vector(c.params['alpha'])}\n {_vector(c.params['beta'])}\n")
    elif c.kind == "Splice":
        body = f" {_vector(c.params['offsets'], '%d')}\n"
    else:
        body = ""
    return head + body + "<!EndOfComponent>\n"


def format_nnet(components: list[Component]) -> str:
    return "<Nnet>\n" + "".join(format_component(c) for c in components) + "</Nnet>\n"


def network_components(network: nn.Sequential) -> list[Component]:
    """The network's layers as nnet1 components, ending in ``<Softmax>``."""
    components = []
    for module in network:
        if isinstance(module, nn.Linear):
            weight = module.weight.detach().numpy().astype(np.float32) + np.float32(0)  # CGS zeros, not -0
            components.append(Component("AffineTransform", *weight.shape, {
                "weight": weight, "bias": module.bias.detach().numpy().astype(np.float32)}))
        elif isinstance(module, nn.ReLU):
            dim = components[-1].output_dim
            components.append(Component("ParametricRelu", dim, dim, {
                "alpha": np.ones(dim, np.float32), "beta": np.zeros(dim, np.float32)}))
        elif isinstance(module, nn.Sigmoid):
            dim = components[-1].output_dim
            components.append(Component("Sigmoid", dim, dim))
        else:
            raise Nnet1Error(f"no nnet1 component for layer {type(module).__name__}")
    dim = components[-1].output_dim
    return components + [Component("Softmax", dim, dim)]


def write_nnet1_dir(model: AcousticModel, out_dir: Path, train_frames: int) -> None:
    """Write the four files described in the module docstring into ``out_dir``."""
    if compression_of(model).quant is not None:
        raise Nnet1Error("the model is quantized: nnet1 cannot express its quantized activations; "
                         "use cgs-compute-loglikes --kernel fixed for its log-likelihoods")
    config, out_dir = model.config, Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    offsets = np.arange(-config.left_context, config.right_context + 1)
    splice = Component("Splice", config.input_dim, config.feat_dim, {"offsets": offsets})
    atomic_write_text(out_dir / TRANSFORM_FILE, format_nnet([splice]))
    atomic_write_text(out_dir / COUNTS_FILE, _vector(model.prior * train_frames) + "\n")
    atomic_write_text(out_dir / CMVN_OPTS_FILE, f"--norm-means=true --norm-vars={str(config.norm_vars).lower()}\n")
    atomic_write_text(out_dir / NNET_FILE, format_nnet(network_components(model.network)))


_TOKEN = re.compile(r"<[^>\s]+>|\[|\]|[^\s\[\]<]+")


def parse_nnet(text: str, where: str = "nnet") -> list[Component]:
    """Components of an nnet1 text network made of the components written here."""
    tokens = _TOKEN.findall(text)
    pos = 0

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise Nnet1Error(f"{where}: ends early (no </Nnet>)")
        pos += 1
        return tokens[pos - 1]

    def numbers() -> list[float]:
        """The values of a bracketed vector or matrix (a matrix row by row)."""
        if take() != "[":
            raise Nnet1Error(f"{where}: expected '[' at token {pos}")
        values = []
        while (token := take()) != "]":
            try:
                values.append(float(token))
            except ValueError:
                raise Nnet1Error(f"{where}: '{token}' is not a number (token {pos})") from None
        return values

    if take() != "<Nnet>":
        raise Nnet1Error(f"{where}: does not start with <Nnet>")
    components = []
    while (marker := take()) != "</Nnet>":
        if not (marker.startswith("<") and marker.endswith(">")):
            raise Nnet1Error(f"{where}: expected a component marker, found '{marker}' (token {pos})")
        kind = marker[1:-1]
        try:
            out_dim, in_dim = int(take()), int(take())
        except ValueError:
            raise Nnet1Error(f"{where}: <{kind}> needs output and input dimensions") from None
        while kind in ("AffineTransform", "ParametricRelu") and pos < len(tokens) and tokens[pos] != "[":
            option, value = take(), take()  # <LearnRateCoef> 1 and the like: training settings
            if not (option.startswith("<") and _is_number(value)):
                raise Nnet1Error(f"{where}: <{kind}>: expected an option and its value, found '{option} {value}'")
        params: dict[str, np.ndarray] = {}
        if kind == "AffineTransform":
            params = {"weight": np.array(numbers(), np.float32), "bias": np.array(numbers(), np.float32)}
        elif kind == "ParametricRelu":
            params = {"alpha": np.array(numbers(), np.float32), "beta": np.array(numbers(), np.float32)}
        elif kind == "Splice":
            params = {"offsets": np.array(numbers(), dtype=np.int64)}
        elif kind not in ("Softmax", "Sigmoid"):
            raise Nnet1Error(f"{where}: component <{kind}> is not supported here")
        for name, value in params.items():
            expected = {"weight": out_dim * in_dim, "offsets": out_dim // max(in_dim, 1)}.get(name, out_dim)
            if value.size != expected:
                raise Nnet1Error(f"{where}: <{kind}> {out_dim} {in_dim}: {name} has {value.size} values, "
                                 f"expected {expected}")
        if "weight" in params:
            params["weight"] = params["weight"].reshape(out_dim, in_dim)
        if pos < len(tokens) and tokens[pos] == "<!EndOfComponent>":
            pos += 1
        components.append(Component(kind, out_dim, in_dim, params))
    return components


def _is_number(token: str) -> bool:
    try:
        float(token)
        return True
    except ValueError:
        return False


def read_nnet(path: Path) -> list[Component]:
    path = Path(path)
    return parse_nnet(path.read_text(encoding="utf-8"), str(path))
