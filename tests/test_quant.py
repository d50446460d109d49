"""Fixed-point formats, fake quantization with STE, QAT/PTQ preparation and calibration."""

import json

import pytest
import torch
from torch import nn

from cgs_asr.quant import (
    ActivationQuant, LayerBits, QuantConfig, QuantSigmoid, WeightQuant, calibrate, fake_quantize,
    frac_bits_for_range, frac_bits_least_error, int_range, prepare_qat, quant_layers, quantize, quantize_post_training,
    refine_activation_formats, refine_weight_formats, update_weight_scales,
)
from cgs_asr.sparsity import BlockMask, BlockSparsity, CGSConfig, apply_cgs


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: one intra-op thread avoids thread hand-off costs on a loaded machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def make_model(sizes=(20, 33, 17, 6), activation=nn.ReLU, seed=0):
    torch.manual_seed(seed)
    mods = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        mods.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            mods.append(activation())
    return nn.Sequential(*mods)


def batches(n=4, dim=20, seed=1):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(32, dim, generator=g) for _ in range(n)]


@pytest.mark.parametrize("absmax,bits,expected", [(0.3, 6, 6), (1.0, 8, 7), (1.01, 8, 6), (100.0, 8, 0),
                                                  (300.0, 8, -2), (0.0, 5, 4)])
def test_frac_bits_for_range(absmax, bits, expected):
    assert frac_bits_for_range(absmax, bits) == expected
    low, high = int_range(bits)
    assert absmax * 2.0 ** expected <= -low


def test_weight_format_gives_up_outliers_for_a_finer_step():
    g = torch.Generator().manual_seed(0)
    weights = 0.05 * torch.randn(64, 64, generator=g)
    weights[0, 0] = 0.9  # one outlier: a scale fitted to it leaves the rest few levels
    no_clip = frac_bits_for_range(0.9, 6)
    chosen = frac_bits_least_error(weights, 6)
    assert no_clip < chosen <= no_clip + 3

    def error(frac):
        return float(torch.sum((fake_quantize(weights, 6, frac) - weights) ** 2))
    assert error(chosen) < error(no_clip)
    assert all(error(chosen) <= error(f) for f in range(no_clip, no_clip + 4))


def test_weight_format_without_outliers_keeps_the_range():
    weights = torch.linspace(-0.9, 0.9, 101)  # uniform: clipping the ends costs more than it saves
    assert frac_bits_least_error(weights, 6) == frac_bits_for_range(0.9, 6)


def test_quantize_rounds_half_up_and_clamps():
    x = torch.tensor([0.5, -0.5, 1.5, -1.5, 2.49, 200.0, -200.0])
    assert quantize(x, 8, 0).tolist() == [1, 0, 2, -1, 2, 127, -128]
    assert fake_quantize(torch.tensor([0.3]), 4, 2).item() == 0.25


def test_straight_through_gradient_is_clipped_outside_the_range():
    x = torch.tensor([0.1, 0.9, 5.0, -5.0], requires_grad=True)
    fake_quantize(x, 4, 3).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 0.0, 0.0]


def test_prepare_does_not_touch_the_original_and_lays_out_quantizers():
    model = make_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    prepared = prepare_qat(model)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    layers = quant_layers(prepared)
    assert [l.activation for l in layers] == ["relu", "relu", "logits"]
    assert isinstance(prepared[0], ActivationQuant)


def test_sigmoid_layout():
    layers = quant_layers(prepare_qat(make_model(activation=nn.Sigmoid)))
    assert [l.activation for l in layers] == ["sigmoid", "sigmoid", "logits"]
    assert isinstance(layers[1].input_format, QuantSigmoid)


def test_unsupported_module_is_refused():
    with pytest.raises(ValueError):
        prepare_qat(nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 2)))


def test_calibrated_model_lives_on_the_fixed_point_grid():
    prepared = calibrate(prepare_qat(make_model()), batches())
    prepared.eval()
    captured = {}
    for i, module in enumerate(prepared):
        if isinstance(module, ActivationQuant):
            module.register_forward_hook(lambda m, inp, out, i=i: captured.__setitem__(i, (m, out)))
    prepared(batches(1, seed=9)[0])
    for module, out in captured.values():
        codes = out * 2.0 ** int(module.frac_bits)
        low, high = int_range(int(module.bits))
        assert torch.equal(codes, codes.round()) and codes.min() >= low and codes.max() <= high
    for layer in quant_layers(prepared):
        w = layer.linear.weight * 2.0 ** int(layer.weight_quant.frac_bits)
        assert torch.equal(w, w.round()) and w.abs().max() <= 32
        acc_frac = int(layer.input_format.frac_bits) + int(layer.weight_quant.frac_bits)
        assert int(layer.bias_quant.frac_bits) == acc_frac


def test_weight_quant_composes_after_the_cgs_mask():
    model = make_model()
    apply_cgs(model, CGSConfig(default=BlockSparsity(4, 4, keep=0.25)))
    prepared = calibrate(prepare_qat(model), batches())
    for layer in quant_layers(prepared):
        chain = list(layer.linear.parametrizations["weight"])
        assert isinstance(chain[0], BlockMask) and isinstance(chain[1], WeightQuant)
        assert (layer.linear.weight[~chain[0].mask] == 0).all()
    loss = prepared(batches(1)[0]).square().sum()
    loss.backward()
    for layer in quant_layers(prepared):
        chain = layer.linear.parametrizations["weight"]
        assert (chain.original.grad[~chain[0].mask] == 0).all()
        assert chain.original.grad.abs().sum() > 0


def test_ptq_is_close_to_float_and_qat_trains():
    model = make_model()
    data = batches(8)
    quantized = quantize_post_training(model, data[:4], QuantConfig(default=LayerBits(weight=8)))
    with torch.no_grad():
        ref, out = model(data[5]), quantized(data[5])
    assert (out - ref).abs().max() < 0.1 * ref.abs().max()

    targets = [torch.randint(0, 6, (32,), generator=torch.Generator().manual_seed(i)) for i in range(8)]
    prepared = calibrate(prepare_qat(model), data[:4])
    optimizer = torch.optim.Adam(prepared.parameters(), lr=1e-2)
    losses = []
    for epoch in range(8):
        for x, y in zip(data, targets):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(prepared(x), y)
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
        update_weight_scales(prepared)
    assert losses[-1] < 0.7 * losses[0]


def test_max_calibration_never_gives_a_finer_scale_than_percentile():
    data = batches()
    fine = calibrate(prepare_qat(make_model(), QuantConfig(calibration="percentile", percentile=90.0)), data)
    coarse = calibrate(prepare_qat(make_model(), QuantConfig(calibration="max")), data)
    for a, b in zip(quant_layers(fine), quant_layers(coarse)):
        assert int(b.input_format.frac_bits) <= int(a.input_format.frac_bits)
    assert any(int(b.input_format.frac_bits) < int(a.input_format.frac_bits)
               for a, b in zip(quant_layers(fine), quant_layers(coarse)))


def test_refined_activation_formats_give_up_an_outlier_for_a_finer_step():
    model = make_model()
    data = batches()
    data[0][0, 0] = 100.0   # one outlier: the max-calibrated input format has a step of 1 for N(0, 1) inputs
    prepared = calibrate(prepare_qat(model, QuantConfig(default=LayerBits(weight=8), calibration="max")), data)
    inputs = torch.cat(batches(4, seed=9))
    with torch.no_grad():
        targets = model(inputs)   # judged by the distance from the float network's outputs
    mse = nn.functional.mse_loss

    def loss():
        with torch.no_grad():
            return float(mse(prepared(inputs), targets))

    quantizers = [m for m in prepared if isinstance(m, ActivationQuant)]
    calibrated, before = [int(q.frac_bits) for q in quantizers], loss()
    assert refine_activation_formats(prepared, inputs, targets, (0,), mse) == calibrated and loss() == before
    chosen = refine_activation_formats(prepared, inputs, targets, (0, 1, 2, 3), mse)
    assert chosen == [int(q.frac_bits) for q in quantizers]
    assert all(c <= f <= c + 3 for c, f in zip(calibrated, chosen)) and chosen[0] > calibrated[0]
    assert loss() < 0.5 * before
    # The last quantizer's choice is the best of its candidates, the others fixed.
    last = quantizers[-1]
    best = loss()
    for frac in range(calibrated[-1], calibrated[-1] + 4):
        last.set_format(frac)
        update_weight_scales(prepared)   # the bias formats follow; the weights are unchanged
        assert loss() >= best
    for layer in quant_layers(prepared):
        assert int(layer.bias_quant.frac_bits) == int(layer.input_format.frac_bits) + int(layer.weight_quant.frac_bits)
    assert prepared.training   # the mode it came in


def test_weight_formats_by_loss_refit_the_current_weights_then_try_offsets():
    model = make_model()
    prepared = calibrate(prepare_qat(model, QuantConfig(default=LayerBits(weight=4))), batches())
    inputs = torch.cat(batches(4, seed=9))
    with torch.no_grad():
        targets = model(inputs)
    mse = nn.functional.mse_loss

    def loss():
        with torch.no_grad():
            return float(mse(prepared(inputs), targets))

    layers = quant_layers(prepared)
    with torch.no_grad():   # the weights moved since their formats were fitted, as in training
        for layer in layers:
            layer.linear.parametrizations.weight.original.mul_(1.5)
    fitted = [frac_bits_least_error(layer.weight_before_quant(), 4) for layer in layers]
    chosen = refine_weight_formats(prepared, inputs, targets, (-1, 0, 1), mse)
    assert chosen == [int(layer.weight_quant.frac_bits) for layer in layers]
    assert all(c - f in (-1, 0, 1) for f, c in zip(fitted, chosen)) and prepared.training
    for layer in layers:
        assert int(layer.bias_quant.frac_bits) == int(layer.input_format.frac_bits) + int(layer.weight_quant.frac_bits)
    best, last = loss(), layers[-1]
    for frac in (fitted[-1] - 1, fitted[-1], fitted[-1] + 1):   # the last choice is the best of its candidates
        last.weight_quant.set_format(frac)
        last.bias_quant.set_format(int(last.input_format.frac_bits) + frac)
        assert loss() >= best
    update_weight_scales(prepared)   # back to the least-error fits: never better than the search
    assert [int(layer.weight_quant.frac_bits) for layer in layers] == fitted and loss() >= best


def test_bias_scale_follows_weight_scale():
    prepared = calibrate(prepare_qat(make_model()), batches())
    layer = quant_layers(prepared)[0]
    before = int(layer.weight_quant.frac_bits)
    with torch.no_grad():
        layer.linear.parametrizations.weight.original.mul_(8.0)
    update_weight_scales(prepared)
    assert int(layer.weight_quant.frac_bits) == before - 3
    assert int(layer.bias_quant.frac_bits) == int(layer.input_format.frac_bits) + before - 3


def test_state_dict_round_trip():
    model = make_model()
    apply_cgs(model, CGSConfig(default=BlockSparsity(4, 4, keep=0.5), seed=3))
    prepared = calibrate(prepare_qat(model, QuantConfig.for_task("kws")), batches()).eval()
    state = prepared.state_dict()
    fresh_model = make_model(seed=5)
    apply_cgs(fresh_model, CGSConfig(default=BlockSparsity(4, 4, keep=0.5), seed=4))
    fresh = prepare_qat(fresh_model, QuantConfig.for_task("kws")).eval()
    fresh.load_state_dict(state)
    x = batches(1, seed=7)[0]
    assert torch.equal(fresh(x), prepared(x))
    assert int(quant_layers(fresh)[0].weight_quant.bits) == 5


def test_prepared_copy_of_a_masked_model_leaves_the_original_intact():
    model = make_model()
    apply_cgs(model, CGSConfig(default=BlockSparsity(4, 4, keep=0.5), seed=3))
    x = batches(1, seed=7)[0]
    with torch.no_grad():
        expected = model(x)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    prepared = calibrate(prepare_qat(model), batches())
    with torch.no_grad():
        prepared[1].parametrizations.weight.original.add_(1.0)
        prepared[1].parametrizations.bias.original.add_(1.0)
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    with torch.no_grad():
        assert torch.equal(model(x), expected)
    assert all(not any(isinstance(p, WeightQuant) for p in layer.parametrizations.weight)
               for layer in (model[0], model[2], model[4]))


def test_in_place_preparation_loads_a_saved_qat_state():
    prepared = calibrate(prepare_qat(make_model()), batches()).eval()
    fresh = make_model(seed=8)
    same = prepare_qat(fresh, inplace=True)
    assert same is fresh and list(fresh.state_dict()) == list(prepared.state_dict())
    fresh.load_state_dict(prepared.state_dict())
    x = batches(1, seed=7)[0]
    assert torch.equal(fresh.eval()(x), prepared(x))


def test_config_json_round_trip():
    config = QuantConfig(default=LayerBits(5, 8, 12), layers={2: LayerBits(8, 8, 16)}, input_bits=10,
                         calibration="max", format_search=False)
    assert QuantConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert QuantConfig().format_search and not QuantConfig.from_dict({}).format_search   # older records
    assert QuantConfig.for_task("kws").default.weight == 5 and QuantConfig.for_task("asr").default.weight == 6
