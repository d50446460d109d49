"""Turn a float Sequential into a fake-quantized one, calibrate it, and read its structure.

The prepared model is a new ``nn.Sequential`` (the input model is deep-copied
and left unchanged, unless ``inplace=True``) laid out as the engine computes::

    ActivationQuant(input)
    Linear  [ReLU, ActivationQuant]           hidden layer with ReLU
    Linear  [ActivationQuant, QuantSigmoid]   hidden layer with sigmoid
    Linear  [ActivationQuant]                 hidden layer without activation
    Linear                                    output layer: logits at accumulator scale

Every Linear gets a ``WeightQuant`` (after its CGS mask, if any) and a
``BiasQuant`` parametrization.  ``nn.Dropout`` and ``nn.Identity`` may appear
anywhere and are skipped by the structure reader.

Training loop contract: ``prepare_qat`` -> ``calibrate`` on a few batches
[-> the loss-aware format search of ``search.py``] -> train, calling
``update_weight_scales`` (or ``refine_weight_formats``) every epoch (weight ranges drift) ->
``cgs_asr.hw.to_int_model``.  Post-training quantization is the same without
the training (``quantize_post_training``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils import parametrize

from .config import QuantConfig
from .modules import ActivationQuant, BiasQuant, QuantSigmoid, WeightQuant

PASS_THROUGH = (nn.Dropout, nn.Identity)
ACTIVATIONS = ("relu", "sigmoid", "identity", "logits")


@dataclass
class QuantLayer:
    """One Linear of a prepared model with the quantizers around it.

    ``input_format`` is the module whose output feeds the Linear (an
    ``ActivationQuant`` or a ``QuantSigmoid``); ``output_quant`` is the
    quantizer after the Linear (after the ReLU, or before the sigmoid table),
    None for the logits.
    """

    linear: nn.Linear
    input_format: ActivationQuant | QuantSigmoid
    activation: str
    output_quant: ActivationQuant | None
    sigmoid: QuantSigmoid | None

    @property
    def weight_quant(self) -> WeightQuant:
        return _find(self.linear, "weight", WeightQuant)

    @property
    def bias_quant(self) -> BiasQuant | None:
        return _find(self.linear, "bias", BiasQuant) if self.linear.bias is not None else None

    def weight_before_quant(self) -> torch.Tensor:
        """The weight as ``WeightQuant`` receives it (masked, not yet rounded)."""
        chain = self.linear.parametrizations["weight"]
        weight = chain.original
        for step in chain:
            if isinstance(step, WeightQuant):
                return weight
            weight = step(weight)
        raise AssertionError("WeightQuant missing from the weight parametrizations")


def _find(layer: nn.Linear, name: str, kind: type):
    if parametrize.is_parametrized(layer, name):
        for step in layer.parametrizations[name]:
            if isinstance(step, kind):
                return step
    raise ValueError(f"Linear {name} has no {kind.__name__}; was the model made by prepare_qat?")


def prepare_qat(model: nn.Sequential, config: QuantConfig | None = None, inplace: bool = False) -> nn.Sequential:
    """A fake-quantized copy of ``model`` (call ``calibrate`` before using it).

    ``inplace=True`` rebuilds ``model`` itself and returns it, for code that
    must keep the object, such as a ``load_model_dir(prepare=...)`` hook that
    re-creates the quantizers before a saved state_dict is loaded.
    """
    config = config or QuantConfig()
    source = model if inplace else _independent_copy(model)

    def activation_quant(bits: int) -> ActivationQuant:
        return ActivationQuant(bits, config.calibration, config.percentile)

    layers: list[nn.Module] = [activation_quant(config.input_bits)]
    index = -1
    for child in list(source.children()):
        if isinstance(child, nn.Linear):
            if index >= 0 and not isinstance(_last_format(layers), (ActivationQuant, QuantSigmoid)):
                layers.append(activation_quant(config.for_layer(index).activation))
            index += 1
            bits = config.for_layer(index)
            parametrize.register_parametrization(child, "weight", WeightQuant(bits.weight))
            if child.bias is not None:
                parametrize.register_parametrization(child, "bias", BiasQuant(bits.bias))
            layers.append(child)
        elif isinstance(child, nn.ReLU):
            layers.append(child)
        elif isinstance(child, nn.Sigmoid):
            bits = config.for_layer(index).activation
            layers += [activation_quant(bits), QuantSigmoid(bits)]
        elif isinstance(child, PASS_THROUGH):
            layers.append(child)
        else:
            raise ValueError(f"prepare_qat cannot quantize a {type(child).__name__}; "
                             "expected Linear, ReLU, Sigmoid, Dropout or Identity")
    if index < 0:
        raise ValueError("the model has no Linear layer")
    if inplace:
        del model[:]
        model.extend(layers)
        prepared = model
    else:
        prepared = nn.Sequential(*layers)
    for layer in quant_layers(prepared):
        layer.weight_quant.fit_range(layer.weight_before_quant())
    return prepared


def _independent_copy(model: nn.Module) -> nn.Module:
    """A deep copy whose parametrized modules have classes of their own.

    ``parametrize`` gives a parametrized module a generated class holding one
    property per parametrized tensor, and a deep copy shares that class; a
    parametrization registered later on the copy (its bias, say) would add
    a property to the original too, pointing at a parametrization the
    original does not have.
    """
    copied = copy.deepcopy(model)
    for module in copied.modules():
        if parametrize.is_parametrized(module):
            shared = type(module)
            namespace = {k: v for k, v in vars(shared).items() if k not in ("__dict__", "__weakref__")}
            module.__class__ = type(shared.__name__, shared.__bases__, namespace)
    return copied


def _last_format(layers: list[nn.Module]) -> nn.Module:
    """The last module that changes values (skipping Dropout / Identity)."""
    return next(m for m in reversed(layers) if not isinstance(m, PASS_THROUGH))


def quant_layers(prepared: nn.Sequential) -> list[QuantLayer]:
    """Read the structure of a prepared model, one entry per Linear."""
    modules = [m for m in prepared.children() if not isinstance(m, PASS_THROUGH)]
    if not modules or not isinstance(modules[0], ActivationQuant):
        raise ValueError("a prepared model starts with the input ActivationQuant")
    found, position = [], 1
    input_format = modules[0]
    while position < len(modules):
        linear = modules[position]
        if not isinstance(linear, nn.Linear):
            raise ValueError(f"expected a Linear at position {position}, found {type(linear).__name__}")
        end = next((i for i in range(position + 1, len(modules)) if isinstance(modules[i], nn.Linear)),
                   len(modules))
        after = modules[position + 1:end]
        kinds = [type(m) for m in after]
        if kinds == []:
            layer = QuantLayer(linear, input_format, "logits", None, None)
        elif kinds == [nn.ReLU, ActivationQuant]:
            layer = QuantLayer(linear, input_format, "relu", after[1], None)
        elif kinds == [ActivationQuant, QuantSigmoid]:
            layer = QuantLayer(linear, input_format, "sigmoid", after[0], after[1])
        elif kinds == [ActivationQuant]:
            layer = QuantLayer(linear, input_format, "identity", after[0], None)
        else:
            raise ValueError(f"unexpected modules after Linear {len(found)}: {[k.__name__ for k in kinds]}")
        found.append(layer)
        input_format = after[-1] if after else None
        position = end
    if found[-1].activation != "logits":
        raise ValueError("the last Linear must produce logits (no activation after it)")
    return found


def update_weight_scales(prepared: nn.Sequential) -> None:
    """Re-derive each weight scale from the current weights, and each bias scale from it.

    The bias sits at the accumulator scale, ``input frac + weight frac``, so
    it must follow any change of the weight scale.  Needs calibrated inputs.
    """
    with torch.no_grad():
        for layer in quant_layers(prepared):
            layer.weight_quant.fit_range(layer.weight_before_quant())
            if layer.bias_quant is not None:
                if not bool(getattr(layer.input_format, "enabled", True)):
                    raise RuntimeError("calibrate the activations before setting bias scales")
                layer.bias_quant.set_format(int(layer.input_format.frac_bits) + int(layer.weight_quant.frac_bits))


def calibrate(prepared: nn.Sequential, batches: Iterable[torch.Tensor]) -> nn.Sequential:
    """Choose activation scales from data, then weight and bias scales; returns the model.

    Runs in eval mode (no dropout) without gradients and restores the mode.
    While observing, activations are not rounded and biases are float;
    weights are already rounded.
    """
    quantizers = [m for m in prepared.modules() if isinstance(m, ActivationQuant)]
    biases = [layer.bias_quant for layer in quant_layers(prepared) if layer.bias_quant is not None]
    was_training = prepared.training
    prepared.eval()
    for q in quantizers:
        q.observe()
    for b in biases:
        b.enabled.fill_(False)
    with torch.no_grad():
        for batch in batches:
            prepared(batch)
    for q in quantizers:
        q.finish_observing()
    update_weight_scales(prepared)
    prepared.train(was_training)
    return prepared


def quantize_post_training(model: nn.Sequential, batches: Iterable[torch.Tensor],
                           config: QuantConfig | None = None) -> nn.Sequential:
    """The post-training-quantization baseline: prepare and calibrate, no retraining."""
    return calibrate(prepare_qat(model, config), batches).eval()
