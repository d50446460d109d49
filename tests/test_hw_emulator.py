"""The emulator gives exactly the reference's integers, on random networks and on trained ones."""

import platform

import numpy as np
import pytest
import torch
from torch import nn

from cgs_asr.hw import Emulator, EngineConfig, reference_run, to_int_model, worst_case_sum
from cgs_asr.hw import emulator as emulator_module
from cgs_asr.hw.synthetic import random_inputs, random_int_layer, random_int_model
from cgs_asr.hw.intmodel import IntModel
from cgs_asr.nnet.model import ModelConfig, make_model
from cgs_asr.quant import LayerBits, QuantConfig, calibrate, prepare_qat
from cgs_asr.sparsity import BlockSparsity, CGSConfig, apply_cgs

CASES = [
    # sizes, block, keep, weight bits, activation bits, activation
    ([13, 20, 7], (4, 4), 0.5, 6, 8, "relu"),
    ([37, 50, 29, 11], (8, 8), 0.25, 5, 8, "relu"),
    ([30, 17, 9], (5, 3), 0.4, 6, 6, "sigmoid"),
    ([24, 24, 24, 5], None, 1.0, 6, 8, "relu"),
    ([19, 33, 12], (16, 16), 0.5, 4, 8, "identity"),
    ([40, 64, 64, 10], (16, 8), 0.25, 8, 8, "relu"),
    ([9, 10, 3], (3, 7), 0.6, 3, 4, "sigmoid"),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("overflow", ["saturate", "wrap"])
@pytest.mark.parametrize("accumulator_bits", [24, 12])
def test_emulator_matches_reference(case, overflow, accumulator_bits):
    sizes, block, keep, wb, ab, activation = CASES[case]
    rng = np.random.default_rng([case, accumulator_bits])
    model = random_int_model(rng, sizes, block=block, keep=keep, weight_bits=wb, out_bits=ab, input_bits=ab,
                             activation=activation, bias_bits=min(12, accumulator_bits))
    engine = EngineConfig(accumulator_bits=accumulator_bits, overflow=overflow)
    inputs = random_inputs(rng, model, 23)
    expected = reference_run(model, inputs, engine)
    emulator = Emulator(model, engine, chunk_frames=10)
    assert np.array_equal(emulator.run(inputs), expected)
    if accumulator_bits == 24:
        assert "sequential" not in emulator.paths


def _overflowing_layer_model(rng):
    """One 64-input layer with 8-bit weights and inputs: sums reach 2**20, far over a 14-bit accumulator."""
    layer = random_int_layer(rng, 64, 6, block=(2, 8), keep=0.5, weight_bits=8, bias_bits=8, activation="logits")
    return IntModel(8, 0, [layer])


def test_saturation_really_happens_and_is_modelled_in_engine_order():
    rng = np.random.default_rng(7)
    model = _overflowing_layer_model(rng)
    engine = EngineConfig(accumulator_bits=14, overflow="saturate")
    inputs = random_inputs(rng, model, 40)
    inputs[0] = 127  # a frame of large inputs: the first outputs' sums leave the range
    emulator = Emulator(model, engine)
    assert emulator.paths == ["sequential"]
    got = emulator.run(inputs)
    assert np.array_equal(got, reference_run(model, inputs, engine))
    exact = inputs @ model.layers[0].dense_weights().T + model.layers[0].bias
    assert (np.abs(exact) > 2 ** 13).any()          # the unlimited sums overflow...
    assert not np.array_equal(got, np.clip(exact, -2 ** 13, 2 ** 13 - 1))  # ...and order matters: not a clip
    assert got.max() <= 2 ** 13 - 1 and got.min() >= -2 ** 13
    assert ((got == 2 ** 13 - 1) | (got == -2 ** 13)).any()


def test_wrap_mode_wraps():
    rng = np.random.default_rng(8)
    model = _overflowing_layer_model(rng)
    engine = EngineConfig(accumulator_bits=14, overflow="wrap")
    inputs = random_inputs(rng, model, 40)
    exact = inputs @ model.layers[0].dense_weights().T + model.layers[0].bias
    wrapped = (exact + 2 ** 13) % 2 ** 14 - 2 ** 13
    got = Emulator(model, engine).run(inputs)
    assert np.array_equal(got, wrapped) and not np.array_equal(got, exact)
    assert np.array_equal(got, reference_run(model, inputs, engine))


def test_fast_path_equals_sequential_path_without_overflow():
    rng = np.random.default_rng(9)
    model = random_int_model(rng, [70, 96, 40, 12], block=(16, 16), keep=0.25)
    inputs = random_inputs(rng, model, 300)
    fast = Emulator(model)
    assert fast.paths == ["float32", "float32", "float32"]
    slow = Emulator(model, engine_order=True)
    assert slow.paths == ["sequential"] * 3
    assert np.array_equal(fast.run(inputs), slow.run(inputs))


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the kernel is built and required on x86-64 only")
def test_compiled_kernel_is_built():
    assert emulator_module._blocksparse is not None, "cgs_asr/hw/_blocksparse.c was not built: run local/install.sh"


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("overflow", ["saturate", "wrap"])
def test_compiled_kernel_equals_torch_path_and_reference(case, overflow):
    """Chunks of 97-101 frames: the kernel's 96-frame spans, its 6-frame tiles and spans that end
    with 1-5 frames; block-rows padded to 8 outputs and inputs read from wider rows.

    With 12-bit accumulators the sums may wrap: the kernel then sums unscaled
    and the sums are wrapped after it."""
    sizes, block, keep, wb, ab, activation = CASES[case]
    rng = np.random.default_rng([case, 99])
    model = random_int_model(rng, sizes, block=block, keep=keep, weight_bits=wb, out_bits=ab, input_bits=ab,
                             activation=activation, bias_bits=12)
    inputs = random_inputs(rng, model, 190)
    bits = 24 if overflow == "saturate" else 12
    engine = EngineConfig(accumulator_bits=bits, overflow=overflow)
    compiled = [Emulator(model, engine, chunk_frames=chunk) for chunk in range(97, 102)]
    torch_path = Emulator(model, engine, chunk_frames=160, compiled=False)
    assert not any(plan.compiled for plan in torch_path.plans)
    if emulator_module._blocksparse is not None:
        assert [plan.compiled for plan in compiled[0].plans] == \
            [plan.path == "float32" and not plan.dense for plan in compiled[0].plans]
    expected = reference_run(model, inputs, engine)
    for emulator in compiled:
        assert np.array_equal(emulator.run(inputs), expected)
    assert np.array_equal(torch_path.run(inputs), expected)


def test_float64_block_layers_use_the_torch_path():
    rng = np.random.default_rng(11)
    model = random_int_model(rng, [64, 48, 10], block=(16, 16), keep=0.5, weight_bits=12, input_bits=12,
                             out_bits=12, bias_bits=16)
    engine = EngineConfig(accumulator_bits=40)
    emulator = Emulator(model, engine)
    assert emulator.paths == ["float64", "float64"] and not any(plan.compiled for plan in emulator.plans)
    inputs = random_inputs(rng, model, 33)
    assert np.array_equal(emulator.run(inputs), reference_run(model, inputs, engine))


def test_worst_case_bound_is_attained_by_sign_matched_inputs():
    rng = np.random.default_rng(10)
    layer = random_int_layer(rng, 20, 3, block=(1, 4), keep=0.5, activation="logits", bias_bits=8)
    dense = layer.dense_weights()
    row = int(np.argmax(np.abs(dense).sum(axis=1) * 128 + np.abs(layer.bias)))
    sign = 1 if layer.bias[row] >= 0 else -1
    x = np.where(dense[row] * sign > 0, 127, -128)   # each product takes the sign of the bias
    total = abs(int(dense[row] @ x + layer.bias[row]))
    assert total <= worst_case_sum(layer) and total >= worst_case_sum(layer) - np.abs(dense[row]).sum()


def _trained_like_model(activation, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(23, 40), activation(), nn.Linear(40, 36), activation(), nn.Linear(36, 9))
    apply_cgs(model, CGSConfig(default=BlockSparsity(8, 8, keep=0.5), layers={2: None}, seed=seed))
    config = QuantConfig(default=LayerBits(weight=6, activation=8, bias=16))
    data = [torch.randn(64, 23) for _ in range(3)]
    return calibrate(prepare_qat(model, config), data).eval()


@pytest.mark.parametrize("activation", [nn.ReLU, nn.Sigmoid])
def test_emulator_equals_fake_quantized_torch_model(activation):
    qmodel = _trained_like_model(activation, seed=3)
    int_model = _emulated_as_in_torch_and_reference(qmodel, in_features=23)
    assert [l.kept_per_row for l in int_model.layers][:2] == [2, 3]


def _emulated_as_in_torch_and_reference(qmodel, in_features):
    """The integer model of ``qmodel``, after checking that the emulator gives the
    fake-quantized torch model's outputs and the reference loop's integers."""
    int_model = to_int_model(qmodel)
    features = np.random.default_rng(4).standard_normal((50, in_features)).astype(np.float32)
    output = Emulator(int_model)(features)
    with torch.no_grad():
        expected = qmodel(torch.from_numpy(features)).double().numpy()
    assert np.array_equal(output.to_float(), expected)
    assert np.array_equal(output.logits, reference_run(int_model, int_model.quantize_input(features)))
    return int_model


def test_emulator_runs_a_cgs_acoustic_model_with_a_linear_bottleneck():
    """The bottleneck's outputs are signed: an identity layer between two CGS layers."""
    torch.manual_seed(5)
    model = make_model(ModelConfig(num_pdfs=40, feat_dim=8, left_context=1, right_context=1,
                                   hidden_layers=2, hidden_dim=32, bottleneck_dim=16))
    apply_cgs(model, CGSConfig(default=BlockSparsity(8, 8, keep=0.5), seed=5))
    qmodel = calibrate(prepare_qat(model, QuantConfig(default=LayerBits(weight=6, activation=8, bias=16))),
                       [torch.randn(64, 24) for _ in range(3)]).eval()
    int_model = _emulated_as_in_torch_and_reference(qmodel, in_features=24)
    assert [layer.activation for layer in int_model.layers] == ["relu", "relu", "identity", "logits"]
    assert [layer.kept_per_row for layer in int_model.layers] == [2, 2, 2, 1]


def test_conversion_refuses_an_uncalibrated_model():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    with pytest.raises(ValueError):
        to_int_model(prepare_qat(model))
