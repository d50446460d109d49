"""Decoding a data dir: hypotheses and scores written, acoustic-scale sweep keeps the best, jobs agree."""
import json

import pytest

from cgs_asr.data.datadir import DataDir
from cgs_asr.decode.datadir import decode_data_dir
from cgs_asr.decode.wfst import WfstDecoder

SPOKEN = {"s-1": ["two", "zero"], "s-2": ["one"], "s-3": ["zero", "zero", "one"], "s-4": ["two"]}
REFS = {**SPOKEN, "s-4": ["one"]}  # s-4's reference differs from what its frames say: one substitution


@pytest.fixture(scope="module")
def decoder_and_loglikes(digit_loop_graph):
    lang, trans_model, graph, loglikes = digit_loop_graph
    return WfstDecoder(graph.hclg, trans_model, lang.words), lambda utt: loglikes(SPOKEN[utt])


def _data(tmp_path):
    return DataDir(tmp_path / "data", {"utt2spk": {u: "s" for u in REFS},
                                       "text": {u: " ".join(w) for u, w in REFS.items()}})


@pytest.mark.parametrize("num_jobs", [1, 2])
def test_decode_and_score(decoder_and_loglikes, tmp_path, num_jobs):
    decoder, loglikes = decoder_and_loglikes
    result = decode_data_dir(decoder, _data(tmp_path), loglikes, tmp_path / "decode", [0.01, 0.5],
                             num_jobs=num_jobs, progress=False)
    hyps = dict(line.split(" ", 1) for line in (tmp_path / "decode" / "text").read_text().splitlines())
    assert hyps == {u: " ".join(w) for u, w in SPOKEN.items()}
    # 1 substitution in 7 reference words; 1 of 4 sentences wrong.
    assert result.wer == pytest.approx(100 / 7) and result.ser == 25.0
    assert (tmp_path / "decode" / "wer").read_text().startswith("%WER 14.29 [ 1 / 7, 0 ins, 0 del, 1 sub ]")
    saved = json.loads((tmp_path / "decode" / "decode.json").read_text())
    assert set(saved["sweep"]) == {"0.01", "0.5"} and saved["frames"] == result.frames
    assert (tmp_path / "decode" / "wer_0.01").is_file() and (tmp_path / "decode" / "per_utt").is_file()
    assert (tmp_path / "decode" / "per_spk").read_text().splitlines()[-1].split() == \
        ["SUM", "sys", "4", "7", "85.71", "14.29", "0.00", "0.00", "14.29", "25.00"]


def test_sweep_keeps_the_scale_with_the_lowest_wer(decoder_and_loglikes, tmp_path):
    decoder, loglikes = decoder_and_loglikes
    # At a tiny acoustic scale the grammar wins and words go missing; the sweep must not keep it.
    result = decode_data_dir(decoder, _data(tmp_path), loglikes, tmp_path / "d", [1e-4, 0.5], progress=False)
    assert result.sweep["0.0001"]["wer"] > result.sweep["0.5"]["wer"]
    assert result.acoustic_scale == 0.5 and result.wer == result.sweep["0.5"]["wer"]
