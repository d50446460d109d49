"""WfstDecoder over a tiny digit-loop graph: reuse, inputs, outputs."""
import numpy as np
import pytest

from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.lang.hclg import write_graph_dir


@pytest.fixture(scope="module")
def setup(digit_loop_graph):
    return digit_loop_graph


def test_one_decoder_serves_many_utterances(setup):
    lang, trans_model, graph, loglikes = setup
    decoder = WfstDecoder(graph.hclg, trans_model, lang.words, acoustic_scale=0.5)
    first = decoder.decode(loglikes(["two", "zero"]), utt="a")
    other = decoder.decode(loglikes(["one"]), utt="b")
    again = decoder.decode(loglikes(["two", "zero"]), utt="c")
    assert first.words == ["two", "zero"] and other.words == ["one"]
    assert again == first
    assert len(first.alignment) == loglikes(["two", "zero"]).shape[0]
    assert np.isfinite(first.loglike)


def test_decoder_from_a_graph_dir(setup, tmp_path):
    lang, trans_model, graph, loglikes = setup
    write_graph_dir(tmp_path / "graph", graph, lang, trans_model)
    decoder = WfstDecoder.from_graph_dir(tmp_path / "graph", trans_model, beam=10.0)
    assert decoder.decode(loglikes(["one", "zero"])).words == ["one", "zero"]


def test_word_ids_without_a_symbol_table(setup):
    lang, trans_model, graph, loglikes = setup
    hyp = WfstDecoder(graph.hclg, trans_model, acoustic_scale=0.5).decode(loglikes(["one", "one"]))
    assert hyp.word_ids == [lang.words["one"]] * 2 and hyp.words == []


def test_float64_input_is_accepted(setup):
    lang, trans_model, graph, loglikes = setup
    decoder = WfstDecoder(graph.hclg, trans_model, lang.words)
    assert decoder.decode(loglikes(["zero"]).astype(np.float64)).words == ["zero"]


def test_bad_matrices_name_the_utterance(setup):
    _, trans_model, graph, _ = setup
    decoder = WfstDecoder(graph.hclg, trans_model)
    with pytest.raises(ValueError, match=rf"utterance u7: expected a frames x {trans_model.num_pdfs}"):
        decoder.decode(np.zeros((10, trans_model.num_pdfs + 1), dtype=np.float32), utt="u7")
    with pytest.raises(ValueError, match="utterance u8: no frames"):
        decoder.decode(np.zeros((0, trans_model.num_pdfs), dtype=np.float32), utt="u8")


def test_faster_and_lattice_faster_find_the_same_best_path(setup):
    lang, trans_model, graph, loglikes = setup
    rng = np.random.default_rng(3)
    for spoken in (["two", "zero"], ["one", "one", "zero"], ["zero"]):
        noisy = loglikes(spoken) + rng.normal(0, 2.0, loglikes(spoken).shape).astype(np.float32)
        faster, lattice = (WfstDecoder(graph.hclg, trans_model, lang.words, decoder=d, acoustic_scale=0.5)
                           .decode(noisy) for d in ("faster", "lattice-faster"))
        assert faster.words == lattice.words and faster.alignment == lattice.alignment
        assert faster.loglike == pytest.approx(lattice.loglike, rel=1e-5)


def test_unknown_decoder_is_refused(setup):
    lang, trans_model, graph, _ = setup
    with pytest.raises(ValueError, match="unknown decoder 'viterbi'"):
        WfstDecoder(graph.hclg, trans_model, decoder="viterbi")
