"""Memory, cycle and energy figures against hand counts; compression; export round trip."""

import json

import numpy as np
import pytest

from cgs_asr.hw import (EnergyTable, EngineConfig, Emulator, IntLayer, IntModel, engine_report,
                        export_memory_images, format_report, read_memory_images)
from cgs_asr.hw.export import from_hex_lines, to_hex_lines
from cgs_asr.hw.synthetic import random_inputs, random_int_model


def tiny_model() -> IntModel:
    """5x6 CGS layer (2x4 blocks, one kept per block-row, edge blocks short) and a dense 3x5 logits layer."""
    hidden = IntLayer(
        out_features=5, in_features=6, block_rows=2, block_cols=4,
        kept_cols=np.array([[1], [0], [0]]),            # block-row 0 keeps the narrow edge column block
        weights=np.arange(16) - 8,                      # 2x2 + 2x4 + 1x4 weights
        bias=np.array([1, -2, 3, -4, 5]),
        weight_bits=5, weight_frac=4, bias_bits=16, in_bits=8, in_frac=3,
        activation="relu", out_bits=8, requant_frac=3,
    )
    logits = IntLayer(
        out_features=3, in_features=5, block_rows=3, block_cols=5, kept_cols=np.array([[0]]),
        weights=np.arange(15) - 7, bias=np.array([10, 0, -10]),
        weight_bits=6, weight_frac=5, bias_bits=16, in_bits=8, in_frac=3, activation="logits",
    )
    return IntModel(input_bits=8, input_frac=3, layers=[hidden, logits])


def test_memory_bits_match_a_hand_count():
    report = engine_report(tiny_model(), EngineConfig(lanes=4))
    hidden, logits = report["layers"]
    assert hidden["memory_bits"] == {"weights": 16 * 5, "indices": 3 * 1, "biases": 5 * 16}
    assert logits["memory_bits"] == {"weights": 15 * 6, "biases": 3 * 16}   # one block-column: no index
    assert report["total"]["memory_bits"] == 80 + 3 + 80 + 90 + 48
    assert report["total"]["macs"] == 31
    assert [hidden["cycles"], logits["cycles"]] == [1 + 2 + 1, 4]
    slow = engine_report(tiny_model(), EngineConfig(lanes=4, cycles_per_block=1))
    assert slow["total"]["cycles"] == 8 + 3 + 1


def test_compression_against_dense_64_and_16_bit():
    comp = engine_report(tiny_model())["compression"]
    dense_parameters = 6 * 5 + 5 + 5 * 3 + 3
    assert comp["dense_parameters"] == dense_parameters
    assert comp["saved_percent_vs_64bit"] == pytest.approx(100 * (1 - 301 / (64 * dense_parameters)))
    assert comp["saved_percent_vs_16bit"] == pytest.approx(100 * (1 - 301 / (16 * dense_parameters)))


def test_cgs_75_percent_with_6_bit_weights_saves_over_95_percent():
    model = random_int_model(np.random.default_rng(0), [440, 512, 512, 2000], block=(16, 16), keep=0.25)
    comp = engine_report(model)["compression"]
    weights_only = 100 * (1 - 0.25 * 6 / 64)     # indices and 16-bit biases cost a little more
    assert 95.0 < comp["saved_percent_vs_64bit"] < weights_only


def test_energy_and_power_from_an_overriding_json_table(tmp_path):
    path = tmp_path / "energy.json"
    path.write_text(json.dumps({"pj_per_mac": 1, "pj_per_weight_bit": 1, "pj_per_index_bit": 1,
                                "pj_per_activation_read": 1, "pj_per_activation_write": 1,
                                "leakage_pw_per_bit": 2}))
    table = EnergyTable.from_json(path)
    report = engine_report(tiny_model(), EngineConfig(frame_rate=100), table)
    hidden, logits = report["layers"]
    assert hidden["energy_pj"]["total"] == 16 + (80 + 80) + 3 + (16 + 5)
    assert logits["energy_pj"]["total"] == 15 + (90 + 48) + (15 + 3)
    total = report["total"]
    assert total["energy_per_frame_pj"] == 200 + 171
    assert total["dynamic_power_uw"] == pytest.approx(371 * 100 * 1e-6)
    assert total["leakage_power_uw"] == pytest.approx(301 * 2 * 1e-6)
    json.dumps(report)
    path.write_text(json.dumps({"pj_per_flop": 1}))
    with pytest.raises(ValueError):
        EnergyTable.from_json(path)


def test_format_report_is_a_fixed_width_table():
    text = format_report(engine_report(tiny_model()))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["layer", "shape", "act"]
    assert len(lines[2]) == len(lines[3]) == len(lines[0])
    assert "saved" in lines[-1]


def test_hex_words_are_twos_complement():
    assert to_hex_lines(np.array([-1, 15, -16, 0]), 5) == "1f\n0f\n10\n00\n"
    assert from_hex_lines("1f\n0f\n10\n00\n", 5, signed=True).tolist() == [-1, 15, -16, 0]
    assert from_hex_lines("1f\n", 5, signed=False).tolist() == [31]


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_export_parses_back_to_the_same_integers(tmp_path, activation):
    rng = np.random.default_rng(1)
    model = random_int_model(rng, [21, 30, 18, 7], block=(8, 4), keep=0.5, activation=activation, weight_bits=5)
    engine = EngineConfig(accumulator_bits=20)
    inputs = random_inputs(rng, model, 4)
    export_memory_images(model, tmp_path / "hw", inputs, engine)
    back = read_memory_images(tmp_path / "hw")
    assert back.engine == engine
    assert (back.model.input_bits, back.model.input_frac) == (model.input_bits, model.input_frac)
    for original, parsed in zip(model.layers, back.model.layers):
        for name in ("kept_cols", "weights", "bias", "lut"):
            a, b = getattr(original, name), getattr(parsed, name)
            assert (a is None and b is None) or np.array_equal(a, b)
        assert parsed.requant_frac == original.requant_frac and parsed.activation == original.activation
    assert np.array_equal(back.golden_inputs, inputs)
    assert np.array_equal(back.golden_outputs, Emulator(model, engine).run(inputs))
    lines = (tmp_path / "hw" / "layer0_weights.hex").read_text().splitlines()
    assert len(lines) == model.layers[0].weights.size and all(len(l) == 2 for l in lines)
    manifest = json.loads((tmp_path / "hw" / "manifest.json").read_text())
    assert [m["name"] for m in manifest["layers"][0]["memories"]][:3] == ["weights", "indices", "biases"]
