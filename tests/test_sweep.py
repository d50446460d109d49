"""The CGS sweep: tiny grids end to end through cgs-sweep-cgs (frame error, and %WER through a graph), the Pareto front."""
import json
import shutil

import pytest

from cgs_asr.bin import align_gmm, make_graph, sweep_cgs
from cgs_asr.data.datadir import read_table
from cgs_asr.features.cmvn import compute_cmvn_stats
from cgs_asr.lang.files import write_fst
from cgs_asr.lang.grammar import word_loop_grammar
from cgs_asr.score.wer import score_text_files
from cgs_asr.sparsity.sweep import SweepGrid, pareto_front
from test_gmm import WORDS, toy, trained  # noqa: F401  (fixtures: a toy task and its monophone GMM)
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


def test_sweep_scored_by_wer_through_a_graph(toy, trained, tmp_path):  # noqa: F811
    """--graph-dir: every point's dev set is decoded through HCLG and the front is drawn by %WER."""
    exp, _ = trained
    dirs = {}
    for name, src in (("train", toy.train), ("dev", toy.test)):
        dirs[name] = tmp_path / name
        shutil.copytree(src, dirs[name])
        compute_cmvn_stats(dirs[name], tmp_path / f"cmvn_{name}")
    align_gmm.main([str(dirs["dev"]), str(toy.lang.dir), str(exp), str(tmp_path / "ali_dev")])
    write_fst(word_loop_grammar([toy.lang.words[w] for w in WORDS]), tmp_path / "G.fst")
    make_graph.main(["--grammar", str(tmp_path / "G.fst"), str(toy.lang.dir), str(exp), str(tmp_path / "graph")])
    num_pdfs = (tmp_path / "graph" / "num_pdfs").read_text().strip()
    sweep_cgs.main([str(dirs["train"]), str(exp / "ali.pdf.ark"), str(dirs["dev"]),
                    str(tmp_path / "ali_dev" / "ali.pdf.ark"), num_pdfs, str(tmp_path / "sweep"),
                    "--sparsity", "0 50", "--bits", "6", "--blocks", "8", "--float-epochs", "10", "--qat-epochs", "1",
                    "--hidden-layers", "1", "--hidden-dim", "32", "--context", "2", "--num-threads", "1",
                    "--graph-dir", str(tmp_path / "graph"), "--gmm-dir", str(exp), "--lr", "0.003"])
    saved = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    assert saved["metric"] == "wer" and [p["name"] for p in saved["points"]] == ["s0_bdense_q6", "s50_b8_q6"]
    for point, most in zip(saved["points"], (30, 70)):  # chance on this 4-word loop is near 100 %WER
        hyp = tmp_path / "sweep" / "decode" / point["name"] / "text"
        rescored = score_text_files(dirs["dev"] / "text", hyp)
        assert len(read_table(hyp)) == 12 and point["wer"] == pytest.approx(rescored.wer) and point["wer"] < most
        assert point["ser"] == pytest.approx(rescored.ser)
    assert saved["pareto_front"][0] == min(saved["points"], key=lambda p: p["weight_memory_bits"])["name"]
