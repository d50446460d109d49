"""Compressed training (CGS, QAT, PTQ) through cgs-train-dnn, model dirs that load back, the fixed-point kernel."""
import json

import numpy as np
import pytest
import torch

from cgs_asr.bin import export_hw, train_dnn
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.decode.datadir import decode_data_dir
from cgs_asr.decode.models import loglikes_function
from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.features.splice import splice_feats
from cgs_asr.hw import Emulator, read_memory_images, reference_run, to_int_model
from cgs_asr.nnet.compression import (Compression, EmulatedNetwork, emulated_model, hardware_report,
                                      load_acoustic_model, quantize_network, weight_quant_config)
from cgs_asr.nnet.dataset import load_frame_set, normalized_utterances
from cgs_asr.nnet.model import ModelConfig, make_model
from cgs_asr.nnet.modeldir import save_model_dir
from cgs_asr.sparsity import BlockSparsity, CGSConfig, apply_cgs, find_block_mask, linear_layers
from test_nnet import FEAT_DIM, NUM_PDFS, write_separable_data

COMMON = ["--hidden-layers", "2", "--hidden-dim", "32", "--context", "2", "--batch-size", "64",
          "--num-threads", "1"]
BLOCK, KEEP = 4, 0.25   # input 40 = 10 block-columns -> 3 kept; hidden 32 = 8 -> 2 kept


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("compression")
    return write_separable_data(root / "train", 24, seed=1), write_separable_data(root / "dev", 8, seed=2)


def run_train(corpus, model_dir, *options):
    train_dir, dev_dir = corpus
    train_dnn.main([str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"),
                    str(NUM_PDFS), str(model_dir), *COMMON, *options])
    return model_dir


@pytest.fixture(scope="module")
def cgs_dir(corpus, tmp_path_factory):
    return run_train(corpus, tmp_path_factory.mktemp("exp") / "cgs", "--cgs-keep", str(KEEP),
                     "--cgs-block", str(BLOCK), "--max-epochs", "3", "--lr", "3e-3")


@pytest.fixture(scope="module")
def qat_dir(corpus, cgs_dir):
    return run_train(corpus, cgs_dir.parent / "cgs_q6", "--init-model", str(cgs_dir), "--qat-bits", "6",
                     "--max-epochs", "2", "--lr", "1e-3")


def test_cgs_training_keeps_the_same_number_of_blocks_in_every_block_row(cgs_dir):
    saved = json.loads((cgs_dir / "config.json").read_text())
    assert saved["compression"]["cgs"]["default"]["keep"] == KEEP and saved["compression"]["quant"] is None
    assert saved["result"]["dev_frame_accuracy"] > 0.5
    model = load_acoustic_model(cgs_dir)
    expected_kept = [3, 2, 2]   # round(0.25 * block-columns) for 40, 32, 32 inputs
    for layer, kept in zip(linear_layers(model.network), expected_kept):
        masking = find_block_mask(layer)
        assert masking.grid.block_rows == masking.grid.block_cols == BLOCK
        assert masking.block_mask().sum(dim=1).tolist() == [kept] * masking.grid.n_block_rows
        weight = layer.weight.detach()
        assert (weight[masking.mask == 0] == 0).all() and (weight[masking.mask == 1] != 0).all()
    assert [row["nonzero_blocks_per_row"] for row in saved["sparsity"]] == [[k, k] for k in expected_kept]
    # Every tensor of final.pt comes back unchanged.
    state = torch.load(cgs_dir / "final.pt", weights_only=True)
    loaded = model.network.state_dict()
    assert state.keys() == loaded.keys() and all(torch.equal(state[k], loaded[k]) for k in state)


def test_gradual_pruning_ends_with_the_kept_fraction_and_is_recorded(corpus, tmp_path, capsys):
    model_dir = run_train(corpus, tmp_path / "gradual", "--cgs-keep", str(KEEP), "--cgs-block", str(BLOCK),
                          "--cgs-selection", "gradual", "--cgs-prune-epochs", "2", "--max-epochs", "3")
    saved = json.loads((model_dir / "config.json").read_text())
    assert (saved["compression"]["cgs"]["selection"], saved["compression"]["cgs"]["prune_epochs"]) == ("gradual", 2)
    assert saved["train"]["accept_epochs"] == 2
    expected_kept = [3, 2, 2]
    assert [row["nonzero_blocks_per_row"] for row in saved["sparsity"]] == [[k, k] for k in expected_kept]
    model = load_acoustic_model(model_dir)
    for layer, kept in zip(linear_layers(model.network), expected_kept):
        assert find_block_mask(layer).block_mask().sum(dim=1).tolist() == [kept] * find_block_mask(layer).grid.n_block_rows
        assert (layer.parametrizations.weight.original[find_block_mask(layer).mask == 0] == 0).all()
    for bad in (["--cgs-prune-epochs", "2"], ["--cgs-selection", "gradual", "--cgs-prune-epochs", "4"]):
        with pytest.raises(SystemExit):
            run_train(corpus, tmp_path / "bad", "--cgs-keep", str(KEEP), "--max-epochs", "3", *bad)
        assert "--cgs-prune-epochs" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_layers_take_their_own_kept_fraction_or_stay_dense(corpus, tmp_path, capsys):
    model_dir = run_train(corpus, tmp_path / "m", "--cgs-keep", "0.25", "--cgs-block", str(BLOCK), "--max-epochs", "1",
                          "--cgs-layer-keep", "2=0.5", "0=0.5", "--cgs-dense-layers", "1")
    layers = json.loads((model_dir / "config.json").read_text())["compression"]["cgs"]["layers"]
    assert layers["0"]["keep"] == layers["2"]["keep"] == 0.5 and layers["1"] is None
    masks = [find_block_mask(layer) for layer in linear_layers(load_acoustic_model(model_dir).network)]
    assert masks[1] is None
    # 0.5 of 10 input block-columns and of 8 hidden ones; the output layer has 2 block-rows.
    assert masks[0].block_mask().sum(dim=1).tolist() == [5] * 8
    assert masks[2].block_mask().sum(dim=1).tolist() == [4, 4]
    with pytest.raises(SystemExit):
        run_train(corpus, tmp_path / "bad", "--cgs-keep", "0.25", "--cgs-layer-keep", "2:0.5")
    assert "LAYER=FRACTION" in capsys.readouterr().err


def test_magnitude_selection_needs_a_model_to_select_from(corpus, tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_train(corpus, tmp_path / "m", "--cgs-keep", "0.25", "--cgs-selection", "magnitude")
    assert "--init-model" in capsys.readouterr().err


def test_qat_model_loads_back_and_the_engine_tracks_it(corpus, cgs_dir, qat_dir):
    saved = json.loads((qat_dir / "config.json").read_text())
    assert saved["compression"]["quant"]["default"]["weight"] == 6 and saved["compression"]["cgs"] is not None
    assert saved["train"]["method"] == "qat" and saved["train"]["init_model"] == str(cgs_dir)
    model = load_acoustic_model(qat_dir)
    int_model = to_int_model(model.network)   # masks and formats survived the round trip
    assert [layer.kept_per_row for layer in int_model.layers] == [3, 2, 2]
    assert all(layer.weight_bits == 6 for layer in int_model.layers)
    fixed = emulated_model(model)
    _, dev_dir = corpus
    for utt, feats in list(normalized_utterances(dev_dir))[:3]:
        float_ll, fixed_ll = model.log_likelihoods(feats), fixed.log_likelihoods(feats)
        assert fixed_ll.dtype == np.float32 and fixed_ll.shape == float_ll.shape
        np.testing.assert_allclose(fixed_ll, float_ll, atol=1e-4)
        inputs = int_model.quantize_input(splice_feats(feats, 2, 2)[:4])
        np.testing.assert_array_equal(Emulator(int_model).run(inputs), reference_run(int_model, inputs))


def test_post_training_quantization_scores_dev_without_training(corpus, cgs_dir):
    ptq_dir = run_train(corpus, cgs_dir.parent / "cgs_ptq5", "--init-model", str(cgs_dir), "--ptq-bits", "5")
    saved = json.loads((ptq_dir / "config.json").read_text())
    assert saved["train"]["method"] == "ptq" and saved["result"]["epochs"] == 0
    assert (ptq_dir / "train.log").read_text().startswith("post-training quantization to 5-bit weights: dev loss")
    assert all(layer.weight_bits == 5 for layer in to_int_model(load_acoustic_model(ptq_dir).network).layers)


def test_hardware_reports_of_float_and_fixed_models(cgs_dir, qat_dir):
    fixed, _ = hardware_report(emulated_model(load_acoustic_model(qat_dir)))
    assert fixed["weights"] == "fixed-point" and fixed["power_uw"] > 0
    assert fixed["weight_memory_bits"] == fixed["total"]["memory_bits"] and len(fixed["layers"]) == 3
    floating, text = hardware_report(load_acoustic_model(cgs_dir))
    assert floating["weights"] == "float32" and "power_uw" not in floating and "no energy" in text
    assert floating["macs_per_frame"] == fixed["macs_per_frame"] == (32 * 3 + 32 * 2 + 6 * 2) * BLOCK
    dense = make_model(ModelConfig(num_pdfs=NUM_PDFS, feat_dim=FEAT_DIM, left_context=2, right_context=2,
                                   hidden_layers=2, hidden_dim=32))
    dense_model = load_acoustic_model(cgs_dir)
    dense_model.network = dense
    assert hardware_report(dense_model)[0]["compression_vs_dense64"] == 50.0


def test_fixed_kernel_decodes_like_the_float_kernel(digit_loop_graph, corpus, tmp_path):
    lang, trans_model, graph, _ = digit_loop_graph
    decoder = WfstDecoder(graph.hclg, trans_model, lang.words)
    train_dir, dev_dir = corpus
    config = ModelConfig(num_pdfs=decoder.num_pdfs, feat_dim=FEAT_DIM, left_context=2, right_context=2,
                         hidden_layers=2, hidden_dim=32)
    network = make_model(config, seed=0)
    cgs = CGSConfig(BlockSparsity(8, 8, keep=0.5))
    apply_cgs(network, cgs)
    frames = load_frame_set(train_dir, train_dir / "ali.ark", config.num_pdfs, 2, 2, progress=False)
    network = quantize_network(network, weight_quant_config(6), frames)
    save_model_dir(tmp_path / "m", network, config, np.full(config.num_pdfs, 1 / config.num_pdfs),
                   Compression(cgs, weight_quant_config(6)).to_meta())
    data = load_data_dir(dev_dir)
    texts = {}
    for kernel in ("float", "fixed"):
        scoring = loglikes_function(tmp_path / "m", data, kernel)
        assert isinstance(scoring.dnn.network, EmulatedNetwork) == (kernel == "fixed")
        decode_data_dir(decoder, data, scoring.loglikes, tmp_path / kernel, [0.5], progress=False)
        texts[kernel] = (tmp_path / kernel / "text").read_text()
    assert texts["fixed"] == texts["float"] and len(texts["fixed"].splitlines()) == 8


def test_export_writes_images_and_golden_vectors_of_real_frames(corpus, qat_dir, tmp_path):
    _, dev_dir = corpus
    export_hw.main([str(qat_dir), str(dev_dir), str(tmp_path / "hw"), "--frames", "7"])
    images = read_memory_images(tmp_path / "hw")
    assert images.golden_inputs.shape == (7, 40) and images.golden_outputs.shape == (7, NUM_PDFS)
    np.testing.assert_array_equal(reference_run(images.model, images.golden_inputs), images.golden_outputs)
    report = json.loads((tmp_path / "hw" / "hw_report.json").read_text())
    assert report["weights"] == "fixed-point" and (tmp_path / "hw" / "hw_report.txt").is_file()


def test_float_model_cannot_run_on_the_engine(corpus, cgs_dir, tmp_path, capsys):
    _, dev_dir = corpus
    with pytest.raises(SystemExit):
        export_hw.main([str(cgs_dir), str(dev_dir), str(tmp_path / "hw")])
    assert capsys.readouterr().err.strip() == ("export_hw: error: the fixed-point kernel needs a quantized model "
                                               "(train it with --qat-bits or --ptq-bits)")
