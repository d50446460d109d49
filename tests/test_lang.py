"""Lexicon, lang dir, n-gram LM, grammars and HCLG, on small generated inputs."""
import math
import re

import numpy as np
import pytest

from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.kaldi import khg, kaldifst
from cgs_asr.lang.files import read_fst, read_int_list, read_symbol_table
from cgs_asr.lang.grammar import arpa_to_grammar_fst, word_list_grammar, word_loop_grammar
from cgs_asr.lang.hclg import make_hclg, write_graph_dir
from cgs_asr.lang.lexicon import (
    OovError,
    cmu_phone_set,
    cmu_pronunciations,
    make_lexicon,
    read_lexicon,
    strip_stress,
)
from cgs_asr.lang.ngram import (
    _discounts,
    perplexity,
    read_arpa,
    train_kneser_ney,
    write_arpa,
)
from cgs_asr.lang.prepare import Lang, prepare_lang
from cgs_asr.lang.subword import GraphemeSpeller


def arcs(fst):
    for state in kaldifst.StateIterator(fst):
        for arc in kaldifst.ArcIterator(fst, state):
            yield state, arc


# ---------------------------------------------------------------- lexicon

def test_stress_is_removed_and_phone_set_is_39_plus_silence(tmp_path):
    assert strip_stress("AH0") == "ah" and strip_stress("IY1") == "iy" and strip_stress("NG") == "ng"
    phones = cmu_phone_set()
    assert len(phones) == 39 and not any(c.isdigit() for p in phones for c in p)
    assert ("z", "ih", "r", "ow") in make_lexicon(["zero"]).prons["zero"]
    # "read" has two pronunciations in CMUdict (R EH1 D, R IY1 D): both kept, stress-free
    assert make_lexicon(["read"]).prons["read"] == [("r", "eh", "d"), ("r", "iy", "d")]

    # one word for each phone (the first in alphabetical order) gives the full phone set
    cmu = cmu_pronunciations()
    alphabetical = sorted(w for w in cmu if w.isalpha())
    covering = {next(w for w in alphabetical if any(p in pron for pron in cmu[w])) for p in phones}
    lang = prepare_lang(make_lexicon(covering), tmp_path / "lang")
    assert lang.nonsilence_phones == list(phones)
    assert lang.silence_phones == ["sil", "spn"]


def test_words_are_looked_up_case_insensitively_but_kept_as_written():
    lex = make_lexicon(["ONE", "Two"])
    assert lex.prons["ONE"] == [("w", "ah", "n")]
    assert "Two" in lex.prons and "<unk>" in lex.prons


def test_oov_stops_with_one_error_listing_every_word():
    with pytest.raises(OovError) as err:
        make_lexicon(["one", "zorblax", "two", "qwxyzzy"])
    assert err.value.words == ("qwxyzzy", "zorblax")
    assert "2 word(s) not in CMUdict: qwxyzzy zorblax" in str(err.value)


def test_oov_fallback_spells_grapheme_units(tmp_path):
    text = ["the thing is the thing", "singing things through the night", "zorblax thinks"] * 3
    speller = GraphemeSpeller.train(text, vocab_size=40)
    lex = make_lexicon(["the", "zorblax", "thingq"], speller=speller)
    assert lex.spelled == {"zorblax", "thingq"}
    assert lex.prons["the"] == list(cmu_pronunciations()["the"])
    for word in ("zorblax", "thingq"):
        (pron,) = lex.prons[word]
        assert all(u.startswith("g_") for u in pron)
        assert "".join(u[2:] for u in pron) == word  # the units spell the word
    assert lex.prons["thingq"][0][-1] == "g_q"  # a letter never seen in training is its own unit
    assert any(len(u) > 3 for u in lex.prons["thingq"][0])  # some unit is a multi-letter piece

    lang = prepare_lang(lex, tmp_path / "lang", speller=speller)
    assert {u for pron in lex.prons["zorblax"] for u in pron} <= set(lang.nonsilence_phones)
    again = GraphemeSpeller.load(tmp_path / "lang" / "subword.model")
    assert again.spell("zorblax") == speller.spell("zorblax")


# ---------------------------------------------------------------- lang dir

def test_lang_dir_files_are_consistent(tmp_path):
    # "two" and "to" share "t uw" (homophones get #1, #2); "a" (ah) is a prefix of "ahead"
    lex = make_lexicon(["two", "to", "one", "a", "ahead"])
    lang_dir = tmp_path / "lang"
    lang = prepare_lang(lex, lang_dir)

    phones, words = read_symbol_table(lang_dir / "phones.txt"), read_symbol_table(lang_dir / "words.txt")
    assert sorted(phones.values()) == list(range(len(phones))) and phones["<eps>"] == 0
    assert sorted(words.values()) == list(range(len(words))) and words["<eps>"] == 0
    assert list(words)[-3:] == ["#0", "<s>", "</s>"]
    assert list(words)[1:-3] == sorted(lex.prons)
    disambig = [p for p in phones if p.startswith("#")]
    assert disambig == [f"#{k}" for k in range(len(disambig))] and len(disambig) >= 3
    assert read_int_list(lang_dir / "phones/disambig.int") == [phones[p] for p in disambig]
    assert read_int_list(lang_dir / "phones/silence.int") == [phones["sil"], phones["spn"]]
    assert read_int_list(lang_dir / "phones/wdisambig_words.int") == [words["#0"]]
    assert read_int_list(lang_dir / "oov.int") == [words["<unk>"]]
    assert (lang_dir / "phones/disambig.csl").read_text().strip() == ":".join(
        str(phones[p]) for p in disambig)
    assert read_lexicon(lang_dir / "lexicon.txt").prons == lex.prons
    assert not list(lang_dir.rglob("*.tmp"))

    topo = lang.topology()
    assert sorted(topo.phones) == sorted(lang.phone_ids(lang.silence_phones + lang.nonsilence_phones))
    num_pdf_classes = topo.get_phone_to_num_pdf_classes()
    assert num_pdf_classes[phones["sil"]] == 5 and num_pdf_classes[phones["t"]] == 3

    l_disambig = lang.lexicon_fst(disambig=True)
    labels = {(arc.ilabel, arc.olabel) for _, arc in arcs(l_disambig)}
    assert (phones["#0"], words["#0"]) in labels  # G's back-off symbol passes through
    ilabels = {i for i, _ in labels}
    assert {phones["#1"], phones["#2"]} <= ilabels  # homophones / prefix disambiguated
    assert not {phones[p] for p in disambig} & {arc.ilabel for _, arc in arcs(lang.lexicon_fst(False))}
    costs = {round(float(arc.weight.value), 4) for _, arc in arcs(l_disambig)}
    assert round(-math.log(0.5), 4) in costs  # optional silence at probability 0.5
    assert Lang.load(lang_dir) == lang


def test_reserved_symbols_are_rejected(tmp_path):
    lex = make_lexicon(["one"])
    lex.prons["<s>"] = [("w",)]
    with pytest.raises(ValueError, match="word '<s>' is reserved"):
        prepare_lang(lex, tmp_path / "lang")


# ---------------------------------------------------------------- n-gram LM

TOY_CORPUS = [s.split() for s in [
    "one two three", "two three four", "one two", "three four one two", "four",
    "two two three", "one three", "four one two three four",
]]


def histories(lm):
    return {()} | {g[:-1] for n in range(lm.order) for g in lm.logprob[n] if g[-1] != "</s>"}


@pytest.mark.parametrize("order", [1, 2, 3])
def test_lm_probabilities_sum_to_one_for_every_history(order):
    lm = train_kneser_ney(TOY_CORPUS, order=order, vocab=["<unk>", "five"])
    assert lm.vocab == {"one", "two", "three", "four", "five", "<unk>", "</s>"}
    for history in histories(lm):
        total = sum(10 ** lm.log10_prob(w, history) for w in lm.vocab)
        assert total == pytest.approx(1.0, abs=1e-9), history


def test_arpa_is_written_as_kaldilm_expects(tmp_path):
    lm = train_kneser_ney(TOY_CORPUS, order=3, vocab=["<unk>"])
    arpa = tmp_path / "lm.arpa"
    write_arpa(arpa, lm)
    section = 0
    for line in arpa.read_text().splitlines():
        if m := re.match(r"\\(\d)-grams:", line):
            section = int(m[1])
        elif section == 3 and line and not line.startswith("\\"):
            assert len(line.split()) == 4  # highest order: log-prob and 3 words, no back-off
    again = read_arpa(arpa)
    for n in range(3):
        assert again.logprob[n] == pytest.approx(lm.logprob[n], abs=1e-6)

    lang = prepare_lang(make_lexicon(["one", "two", "three", "four"]), tmp_path / "lang")
    g = arpa_to_grammar_fst(arpa, lang.dir / "words.txt")
    assert g.num_states > 1
    assert lang.words["#0"] in {arc.ilabel for _, arc in arcs(g)}  # back-off arcs


def test_arpa_with_a_word_outside_words_txt_is_an_error(tmp_path):
    lm = train_kneser_ney(TOY_CORPUS, order=2)
    write_arpa(tmp_path / "lm.arpa", lm)
    lang = prepare_lang(make_lexicon(["one", "two", "three"]), tmp_path / "lang")
    with pytest.raises(ValueError, match="word 'four' not in symbol table"):
        arpa_to_grammar_fst(tmp_path / "lm.arpa", lang.dir / "words.txt")


def test_kneser_ney_probabilities_by_hand():
    # Corpus <s> a b </s> | <s> a b </s> | <s> b a </s>, bigram, vocabulary + "c".
    # Unigram continuation counts (distinct left neighbours): a {<s>,b}=2, b {a,<s>}=2,
    # </s> {b,a}=2; counts-of-counts n1=0 -> fallback D=0.5; total 6,
    # gamma = 3*0.5/6 = 1/4, |V| = 4 (a b </s> c):
    #   p(a) = (2-0.5)/6 + (1/4)/4 = 5/16,   p(c) = 1/16
    # Bigram raw counts: <s>a 2, ab 2, b</s> 2, <s>b 1, ba 1, a</s> 1 -> n1=3, n2=3, n3=0:
    # fallback D = Y = 3/(3+2*3) = 1/3. History <s>: c(<s>.)=3, gamma = (1/3+1/3)/3 = 2/9:
    #   p(a|<s>) = (2-1/3)/3 + 2/9*5/16 = 90/144,  p(b|<s>) = (1-1/3)/3 + 2/9*5/16 = 42/144
    #   p(c|<s>) = 2/9 * 1/16 = 2/144 (backed off)
    lm = train_kneser_ney([["a", "b"], ["a", "b"], ["b", "a"]], order=2, vocab=["c"])
    p = lambda w, h: 10 ** lm.log10_prob(w, h)  # noqa: E731
    assert p("a", []) == pytest.approx(5 / 16)
    assert p("c", []) == pytest.approx(1 / 16)
    assert p("a", ["<s>"]) == pytest.approx(90 / 144)
    assert p("b", ["<s>"]) == pytest.approx(42 / 144)
    assert p("c", ["<s>"]) == pytest.approx(2 / 144)
    assert lm.backoff[0][("<s>",)] == pytest.approx(math.log10(2 / 9))
    # p(b|a) and p(</s>|b) have the same counts as p(a|<s>): "a b" scores 0.625 per token,
    # so its perplexity over 3 tokens (a, b, </s>) is 1/0.625 = 1.6
    assert perplexity(lm, [["a", "b"]]).ppl == pytest.approx(1.6)


def test_modified_kneser_ney_discounts_by_hand():
    # counts 1,1,1,1,2,2,3,4: n1=4 n2=2 n3=1 n4=1, Y = 4/(4+4) = 1/2
    # D1 = 1 - 2*(1/2)*2/4 = 0.5, D2 = 2 - 3*(1/2)*1/2 = 1.25, D3+ = 3 - 4*(1/2)*1/1 = 1.0
    assert _discounts([1, 1, 1, 1, 2, 2, 3, 4, 7]) == pytest.approx((0.5, 1.25, 1.0))


HAND_ARPA = """
\\data\\
ngram 1=4
ngram 2=2

\\1-grams:
-1.0\t</s>
-99\t<s>\t-0.30103
-0.30103\ta\t-0.5
-0.60206\tb

\\2-grams:
-0.1\t<s> a
-0.2\ta b

\\end\\
"""


def test_perplexity_by_hand(tmp_path):
    (tmp_path / "hand.arpa").write_text(HAND_ARPA)
    lm = read_arpa(tmp_path / "hand.arpa")
    # "a b":   p(a|<s>) -0.1, p(b|a) -0.2, p(</s>|b) = bow(b)=0 + p(</s>) -1.0        -> -1.3
    # "b x a": p(b|<s>) = bow(<s>) -0.30103 + p(b) -0.60206; x is OOV (not scored);
    #          p(a|x) = p(a) -0.30103; p(</s>|a) = bow(a) -0.5 + p(</s>) -1.0    -> -2.70412
    result = perplexity(lm, [["a", "b"], ["b", "x", "a"]])
    logprob = -1.3 - 2.70412
    assert (result.sentences, result.words, result.oovs) == (2, 5, 1)
    assert result.logprob == pytest.approx(logprob)
    assert result.ppl == pytest.approx(10 ** (-logprob / (5 - 1 + 2)))  # words - OOVs + </s>
    assert result.ppl1 == pytest.approx(10 ** (-logprob / (5 - 1)))
    assert str(result).startswith("2 sentences, 5 words, 1 OOVs\nlogprob= -4.0041 ppl= 4.6")


# ---------------------------------------------------------------- grammar and HCLG

WORDS = ["one", "two", "three"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """Lang dir for one/two/three and a monophone transition model over it."""
    lang = prepare_lang(make_lexicon(WORDS, unk_word=None), tmp_path_factory.mktemp("lang"))
    topo = lang.topology()
    ctx_dep = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    trans_model = khg.TransitionModel(ctx_dep, topo)
    pdf = {}
    for t in trans_model.tuples:
        phone, hmm_state, forward_pdf, _ = t.__getstate__()
        pdf[phone, hmm_state] = forward_pdf
    return lang, ctx_dep, trans_model, pdf


def loglikes_for(toy, tokens, frames_per_state=3):
    """A matrix where each frame's pdf along the path of ``tokens`` scores 0 and all others -20.

    A token is a word (its first pronunciation, 3 states per phone) or "sil" (5 states).
    """
    lang, _, trans_model, pdf = toy
    lexicon = {w: prons[0] for w, prons in lang_lexicon(lang).items()}
    path = []
    for token in tokens:
        phones = ["sil"] if token == "sil" else lexicon[token]
        for phone in phones:
            num_states = 5 if phone == "sil" else 3
            path += [pdf[lang.phones[phone], s] for s in range(num_states) for _ in range(frames_per_state)]
    loglikes = np.full((len(path), trans_model.num_pdfs), -20.0, dtype=np.float32)
    loglikes[np.arange(len(path)), path] = 0.0
    return loglikes, path


def lang_lexicon(lang):
    return read_lexicon(lang.dir / "lexicon.txt").prons


def test_word_list_grammar_hclg_decodes_the_favoured_word(toy, tmp_path):
    lang, ctx_dep, trans_model, _ = toy
    g = word_list_grammar([lang.words[w] for w in WORDS])
    graph = make_hclg(lang, g, trans_model, ctx_dep)
    decoder = WfstDecoder(graph.hclg, trans_model, lang.words, acoustic_scale=1.0)
    for word in WORDS:
        assert decoder.decode(loglikes_for(toy, ["sil", word, "sil"])[0]).words == [word]
    # the grammar allows one word only: two spoken words cannot come out as two
    assert len(decoder.decode(loglikes_for(toy, ["two", "one"])[0]).words) == 1

    write_graph_dir(tmp_path / "graph", graph, lang, trans_model)
    for name in ("HCLG.fst", "words.txt", "phones.txt", "disambig_tid.int", "num_pdfs",
                 "phones/disambig.int", "phones/silence.csl"):
        assert (tmp_path / "graph" / name).is_file(), name
    assert read_fst(tmp_path / "graph" / "HCLG.fst").num_states == graph.hclg.num_states
    assert read_int_list(tmp_path / "graph" / "num_pdfs") == [trans_model.num_pdfs]


def test_word_loop_hclg_decodes_exactly_the_known_sequence(toy):
    lang, ctx_dep, trans_model, _ = toy
    g = word_loop_grammar([lang.words[w] for w in WORDS])
    graph = make_hclg(lang, g, trans_model, ctx_dep)
    ilabels = {arc.ilabel for _, arc in arcs(graph.hclg)}
    assert max(ilabels) <= trans_model.num_transition_ids  # only transition-ids...
    assert not ilabels & set(graph.disambig_tids)  # ...and no disambiguation symbols left
    tid2pdf = trans_model.transition_id_to_pdf_array()

    decoder = WfstDecoder(graph.hclg, trans_model, lang.words, acoustic_scale=1.0)
    results = {}
    for sequence in (["two", "one", "three"], ["three", "sil", "three"], ["one", "two", "one"]):
        loglikes, path = loglikes_for(toy, sequence)
        hyp = decoder.decode(loglikes, utt="-".join(sequence))
        assert hyp.ok
        assert hyp.words == [w for w in sequence if w != "sil"]
        assert hyp.word_ids == [lang.words[w] for w in hyp.words]
        assert [tid2pdf[t] for t in hyp.alignment] == path
        results[tuple(sequence)] = hyp.words
    assert len({tuple(words) for words in results.values()}) == 3
