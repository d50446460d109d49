"""WfstDecoder over a tiny digit-loop graph: reuse, inputs, outputs."""
import numpy as np
import pytest

from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.kaldi import khg
from cgs_asr.lang.grammar import word_loop_grammar
from cgs_asr.lang.hclg import make_hclg, write_graph_dir
from cgs_asr.lang.lexicon import make_lexicon
from cgs_asr.lang.prepare import prepare_lang

WORDS = ["zero", "one", "two"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    lexicon = make_lexicon(WORDS, unk_word=None)
    lang = prepare_lang(lexicon, tmp_path_factory.mktemp("lang"))
    topo = lang.topology()
    ctx_dep = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    trans_model = khg.TransitionModel(ctx_dep, topo)
    graph = make_hclg(lang, word_loop_grammar([lang.words[w] for w in WORDS]), trans_model, ctx_dep)
    pdf = {tuple(t.__getstate__()[:2]): t.__getstate__()[2] for t in trans_model.tuples}

    def loglikes(words):
        """0 on the pdfs of the words' first pronunciations (2 frames per state), -15 elsewhere."""
        path = [pdf[lang.phones[p], s] for w in words for p in lexicon.prons[w][0]
                for s in range(3) for _ in range(2)]
        mat = np.full((len(path), trans_model.num_pdfs), -15.0, dtype=np.float32)
        mat[np.arange(len(path)), path] = 0.0
        return mat

    return lang, trans_model, graph, loglikes


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
