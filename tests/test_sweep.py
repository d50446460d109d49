"""The CGS sweep: a tiny grid end to end through cgs-sweep-cgs, and the Pareto front."""
import json

import pytest

from cgs_asr.bin import sweep_cgs
from cgs_asr.sparsity.sweep import SweepGrid, pareto_front
from test_nnet import NUM_PDFS, write_separable_data


def test_tiny_sweep_writes_points_front_and_plot(tmp_path):
    train_dir = write_separable_data(tmp_path / "train", 12, seed=1)
    dev_dir = write_separable_data(tmp_path / "dev", 4, seed=2)
    sweep_cgs.main([str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"),
                    str(NUM_PDFS), str(tmp_path / "sweep"), "--sparsity", "0 50", "--bits", "4 float",
                    "--blocks", "4", "--float-epochs", "1", "--qat-epochs", "1", "--hidden-layers", "1",
                    "--hidden-dim", "16", "--context", "1", "--train-utts", "8", "--num-threads", "1"])
    saved = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert saved["metric"] == "dev_frame_error" and saved["train_frames"] == 8 * 60
    names = [p["name"] for p in saved["points"]]
    assert names == ["s0_bdense_q4", "s0_bdense_float", "s50_b4_q4", "s50_b4_float"]
    memory = {p["name"]: p["weight_memory_bits"] for p in saved["points"]}
    assert memory["s0_bdense_float"] == 32 * (24 * 16 + 16 + 16 * NUM_PDFS + NUM_PDFS)   # float32, dense
    assert memory["s50_b4_q4"] < memory["s0_bdense_q4"] < memory["s0_bdense_float"]
    assert set(saved["pareto_front"]) <= set(names) and saved["pareto_front"][0] == "s50_b4_q4"
    assert (tmp_path / "sweep" / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_pareto_front_keeps_points_no_other_point_beats():
    points = [{"name": n, "weight_memory_bits": m, "wer": w}
              for n, m, w in [("a", 10, 9.0), ("b", 20, 5.0), ("c", 30, 6.0), ("d", 40, 2.0), ("e", 20, 7.0)]]
    assert [p["name"] for p in pareto_front(points, "wer")] == ["a", "b", "d"]


def test_grid_runs_the_dense_network_once_and_rejects_bad_values():
    assert SweepGrid().float_runs()[:2] == [(0.0, None), (50.0, 16)] and len(SweepGrid().float_runs()) == 10
    with pytest.raises(ValueError, match="percentages"):
        SweepGrid(sparsities=(100.0,))
