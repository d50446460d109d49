"""GMM-HMM: features, monophone training, alignment, GMM decoding and model files, on a toy task.

The toy task is generated here: a few CMUdict words, 13-dim "cepstra" drawn
frame by frame from a Gaussian per (phone, HMM state) with known durations,
silence around and sometimes between the words, and a constant offset per
speaker (which per-speaker CMVN removes). Knowing the true segmentation lets
the tests check that training recovers it.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from cgs_asr.bin import align_dnn, align_gmm, decode, make_graph, train_dnn, train_mono
from cgs_asr.data.alignments import AlignmentError, read_alignments
from cgs_asr.data.ark import ArkWriter
from cgs_asr.data.datadir import DataDir, DataDirError, load_data_dir, subset_data_dir, write_data_dir
from cgs_asr.features.cmvn import compute_cmvn_stats
from cgs_asr.gmm.align import Aligner
from cgs_asr.gmm.feats import FeatureReader, FeatureSpec, add_deltas
from cgs_asr.gmm.graphs import GraphCompiler, OovWordError, transcripts_to_word_ids
from cgs_asr.gmm.loglikes import GmmScorer
from cgs_asr.gmm.model_io import load_model, save_model
from cgs_asr.gmm.mono import MONO_SCHEDULE, MonoConfig
from cgs_asr.gmm.steps import (
    align_data_dir,
    make_graph_dir,
    select_utterances,
    train_mono_dir,
    train_tri_dir,
)
from cgs_asr.gmm.tree import GrownTree, Leaf, Split, assign_pdfs, context_dependency, frame_events, tree_bytes
from cgs_asr.gmm.tri import TRI_SCHEDULE, TriConfig
from cgs_asr.kaldi import khg
from cgs_asr.lang.files import write_fst
from cgs_asr.lang.grammar import word_loop_grammar
from cgs_asr.lang.lexicon import make_lexicon
from cgs_asr.lang.prepare import Lang, prepare_lang
from cgs_asr.score.wer import read_text

WORDS = ["go", "no", "stop", "yes"]
DIM = 13
NONSIL_STATES, SIL_STATES = 3, 5


@dataclass
class ToyTask:
    lang: Lang
    train: Path
    test: Path
    truth: dict[str, np.ndarray]  # utterance -> phone id per frame


def _write_split(path: Path, name: str, num_utts: int, lang: Lang, prons: dict, means: dict,
                 rng: np.random.Generator, truth: dict) -> Path:
    data = DataDir(path / name, {"wav.scp": {}, "text": {}, "utt2spk": {}, "utt2num_frames": {}})
    path.joinpath(name).mkdir(parents=True)
    sil = lang.phones["sil"]
    with ArkWriter(path / f"feats_{name}.ark", path / f"feats_{name}.scp") as ark:
        for n in range(num_utts):
            spk = f"{name}spk{n % 4}"
            utt = f"{spk}-{n:03d}"
            words = list(rng.choice(WORDS, size=rng.integers(1, 4)))
            phones = [sil] * rng.integers(8, 16)
            for k, word in enumerate(words):
                if k and rng.random() < 0.3:
                    phones += [sil] * rng.integers(5, 10)
                for p in prons[word]:
                    for s in range(NONSIL_STATES):
                        phones += [(lang.phones[p], s)] * rng.integers(3, 7)
            phones += [sil] * rng.integers(8, 16)
            offset = rng.normal(0, 2, DIM) * (1 + n % 4)
            frames = np.array([means[p] if isinstance(p, tuple) else means[sil] for p in phones])
            frames = frames + rng.normal(0, 1, frames.shape) + offset
            ark.write(utt, frames.astype(np.float32))
            truth[utt] = np.array([p[0] if isinstance(p, tuple) else p for p in phones])
            data.tables["wav.scp"][utt] = f"/dev/null/{utt}.wav"
            data.tables["text"][utt] = " ".join(words)
            data.tables["utt2spk"][utt] = spk
            data.tables["utt2num_frames"][utt] = str(len(frames))
    data.tables["feats.scp"] = ark.scp
    write_data_dir(data, data.path)
    compute_cmvn_stats(data.path, path / f"cmvn_{name}")
    return data.path


def make_toy_task(path: Path, num_train: int = 80, num_test: int = 12, seed: int = 0) -> ToyTask:
    lexicon = make_lexicon(WORDS, unk_word="<unk>")
    lang = prepare_lang(lexicon, path / "lang", num_nonsil_states=NONSIL_STATES, num_sil_states=SIL_STATES)
    rng = np.random.default_rng(seed)
    prons = {w: lexicon.prons[w][0] for w in WORDS}
    means = {(lang.phones[p], s): rng.normal(0, 3, DIM)
             for p in lang.nonsilence_phones for s in range(NONSIL_STATES)}
    means[lang.phones["sil"]] = rng.normal(0, 3, DIM)
    truth: dict[str, np.ndarray] = {}
    train = _write_split(path, "train", num_train, lang, prons, means, rng, truth)
    test = _write_split(path, "test", num_test, lang, prons, means, rng, truth)
    return ToyTask(lang, train, test, truth)


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> ToyTask:
    return make_toy_task(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def trained(toy, tmp_path_factory):
    """A monophone model trained on the toy training set, with the whole set aligned."""
    exp = tmp_path_factory.mktemp("exp") / "mono"
    config = MonoConfig(dataclasses.replace(MONO_SCHEDULE, num_iters=25, max_iter_inc=15, total_gauss=100))
    result = train_mono_dir(toy.train, toy.lang.dir, exp, config, progress=False)
    return exp, result


def _collapse(phones, drop: int) -> list[int]:
    return [p for i, p in enumerate(phones) if p != drop and (i == 0 or phones[i - 1] != p)]


# ---------------------------------------------------------------- features

def test_deltas_follow_kaldis_regression_formula():
    x = np.random.default_rng(1).normal(size=(7, 3)).astype(np.float32)
    out = add_deltas(x, order=2, window=2)
    assert out.shape == (7, 9) and np.array_equal(out[:, :3], x)
    padded = np.concatenate([x[:1], x[:1], x, x[-1:], x[-1:]])  # edge frames repeated
    delta = sum(k * (padded[2 + k:9 + k] - padded[2 - k:9 - k]) for k in (1, 2)) / 10.0
    np.testing.assert_allclose(out[:, 3:6], delta, atol=1e-5)


def test_features_get_speaker_cmvn_then_deltas(toy):
    reader = FeatureReader(toy.train, FeatureSpec())
    spk_utts = [u for u in reader.utts if reader.data.utt2spk[u] == "trainspk1"]
    static = np.concatenate([reader.read(u)[:, :DIM] for u in spk_utts])
    assert reader.read(spk_utts[0]).shape[1] == 3 * DIM
    np.testing.assert_allclose(static.mean(axis=0), 0.0, atol=1e-4)


def test_missing_cmvn_is_one_clear_error(toy, tmp_path):
    data = load_data_dir(toy.test)
    del data.tables["cmvn.scp"]
    with pytest.raises(DataDirError, match=r"cmvn.scp: missing \(run cgs-compute-cmvn-stats first\)"):
        FeatureReader(data, FeatureSpec())


def test_features_that_do_not_fit_the_model_are_one_clear_error(toy):
    reader = FeatureReader(toy.test, FeatureSpec(delta_order=1))
    with pytest.raises(DataDirError, match=r"feats.scp: features have 26 dimensions with deltas, the model expects 39"):
        reader.check_dim(39)


# ---------------------------------------------------------------- transcripts

def test_unknown_words_name_utterance_and_word_or_map_to_unk(toy):
    text = {"u1": "yes maybe", "u2": "no", "u3": "perhaps go"}
    with pytest.raises(OovWordError, match=r"2 word\(s\) not in .*words.txt: u1 'maybe', u3 'perhaps'"):
        transcripts_to_word_ids(text, toy.lang)
    mapped = transcripts_to_word_ids(text, toy.lang, map_oov=True)
    unk, words = toy.lang.words["<unk>"], toy.lang.words
    assert mapped.word_ids["u1"] == [words["yes"], unk] and mapped.num_oov_mapped == 2
    with pytest.raises(OovWordError, match="not in"):
        transcripts_to_word_ids({"u1": "<s> yes"}, toy.lang)  # reserved symbols are not words


# ---------------------------------------------------------------- training and alignment

def test_training_converges_and_mixes_up(trained):
    exp, result = trained
    likes = [h.loglike_per_frame for h in result.history]
    assert likes[-1] > likes[1] > likes[0]
    assert all(b > a - 0.05 for a, b in zip(likes[10:], likes[11:]))  # settled: no real drop
    assert result.history[-1].num_gauss == result.model.num_gauss > result.model.num_pdfs
    assert abs(result.model.num_gauss - 100) <= 5
    log = json.loads((exp / "train.json").read_text())
    assert len(log["history"]) == 25 and log["num_train_utts"] == 80 and not log["never_aligned"]


def test_training_is_reproducible_and_split_gaussians_move_apart(toy, trained, tmp_path):
    """kaldi-hmm-gmm seeds its split perturbation from std::random_device; ours comes from the config's seed."""
    exp, _ = trained
    config = MonoConfig(dataclasses.replace(MONO_SCHEDULE, num_iters=25, max_iter_inc=15, total_gauss=100))
    runs = {}
    for seed in (0, 1):
        train_mono_dir(toy.train, toy.lang.dir, tmp_path / str(seed), dataclasses.replace(config, seed=seed),
                       progress=False)
        with np.load(tmp_path / str(seed) / "final.npz") as f:
            runs[seed] = f["gmm_means_invvars"]
    with np.load(exp / "final.npz") as f:
        first, sizes = f["gmm_means_invvars"], f["gmm_sizes"]
    assert np.array_equal(runs[0], first)
    assert runs[1].shape == first.shape and not np.array_equal(runs[1], first)
    pdfs = np.split(first, np.cumsum(sizes)[:-1])
    assert max(sizes) > 1 and all(len(np.unique(m, axis=0)) == len(m) for m in pdfs)  # no copy left in place


def test_alignments_have_one_pdf_per_frame_and_recover_the_segmentation(toy, trained):
    exp, result = trained
    model = load_model(exp)
    tids = read_alignments(exp / "ali.ark")
    pdfs = read_alignments(exp / "ali.pdf.ark")
    frames = load_data_dir(toy.train).tables["utt2num_frames"]
    assert list(tids) == list(pdfs) == sorted(frames, key=str.encode)
    tid2phone = np.array([0] + [model.trans_model.transition_id_to_phone(t)
                                for t in range(1, model.trans_model.num_transition_ids + 1)])
    sil = toy.lang.phones["sil"]
    accuracy = []
    for utt, ali in tids.items():
        assert len(ali) == len(pdfs[utt]) == int(frames[utt])
        assert np.array_equal(pdfs[utt], model.pdf_alignment(ali))
        assert pdfs[utt].min() >= 0 and pdfs[utt].max() < model.num_pdfs
        phones = tid2phone[ali]
        assert _collapse(list(phones), sil) == _collapse(list(toy.truth[utt]), sil), utt
        accuracy.append(np.mean(phones == toy.truth[utt]))
    assert np.mean(accuracy) > 0.85  # boundaries within a frame or two


def test_parallel_alignment_gives_the_same_arks(toy, trained, tmp_path):
    exp, result = trained
    summary = align_data_dir(toy.train, toy.lang.dir, result.model, tmp_path / "ali", num_jobs=2, progress=False)
    assert summary.utterances == 80 and not summary.failed
    for name in ("ali.ark", "ali.pdf.ark"):
        assert (tmp_path / "ali" / name).read_bytes() == (exp / name).read_bytes()
    assert load_model(tmp_path / "ali").num_pdfs == result.model.num_pdfs


def test_failed_alignments_are_counted_and_left_out(toy, trained, tmp_path):
    _, result = trained
    data = load_data_dir(toy.test)
    short = data.utts[0]
    data.tables["text"][short] = "stop stop stop stop stop stop stop stop stop stop"  # more states than frames
    subset = subset_data_dir(data, data.utts, tmp_path / "data")
    summary = align_data_dir(subset, toy.lang, result.model, tmp_path / "ali", progress=False)
    assert summary.failed == [short]
    assert short not in read_alignments(tmp_path / "ali" / "ali.ark")
    assert json.loads((tmp_path / "ali" / "align.json").read_text())["failed"] == [short]


def test_alignment_from_the_gmms_own_loglikelihood_matrix_is_the_gmm_alignment(toy, trained, tmp_path):
    """The matrix path that DNN alignment takes (scale, transition-id columns) gives the GMM decodable's arks."""
    exp, result = trained
    data = load_data_dir(toy.train)
    reader, scorer = FeatureReader(data, result.model.feature_spec), GmmScorer(result.model.am)
    summary = align_data_dir(data, toy.lang, result.model, tmp_path / "ali", progress=False,
                             loglikes=lambda utt: scorer(reader.read(utt)), scored_by="the GMM as a matrix")
    assert summary.utterances == 80 and not summary.failed
    for name in ("ali.ark", "ali.pdf.ark"):
        assert (tmp_path / "ali" / name).read_bytes() == (exp / name).read_bytes()
    assert json.loads((tmp_path / "ali" / "align.json").read_text())["scored_by"] == "the GMM as a matrix"
    graph = GraphCompiler(result.model, toy.lang).compile([toy.lang.words["go"]])
    aligner = Aligner(result.model)
    with pytest.raises(ValueError, match=f"utterance u1: expected frames x {result.model.num_pdfs} log-likelihoods"):
        aligner.align_loglikes(graph, np.zeros((30, result.model.num_pdfs + 1)), "u1")
    with pytest.raises(ValueError, match="utterance u2: log-likelihoods that are not finite"):
        aligner.align_loglikes(graph, np.full((30, result.model.num_pdfs), np.nan), "u2")


def test_subset_of_shortest_utterances(toy):
    data = load_data_dir(toy.train)
    frames = {u: int(n) for u, n in data.tables["utt2num_frames"].items()}
    chosen = select_utterances(data, 10)
    assert len(chosen) == 10 and chosen == sorted(chosen, key=str.encode)
    assert max(frames[u] for u in chosen) <= min(frames[u] for u in set(frames) - set(chosen))
    assert len(set(select_utterances(data, 10, "random", seed=3))) == 10


# ---------------------------------------------------------------- model files and scoring

def test_saved_model_restores_exactly(trained, tmp_path):
    _, result = trained
    save_model(result.model, tmp_path, name="copy")
    loaded = load_model(tmp_path, name="copy")
    feats = np.random.default_rng(2).normal(size=(50, result.model.dim)).astype(np.float32)
    assert np.array_equal(GmmScorer(loaded.am)(feats), GmmScorer(result.model.am)(feats))
    assert loaded.trans_model.log_probs == result.model.trans_model.log_probs
    assert str(loaded.trans_model) == str(result.model.trans_model) and str(loaded.tree) == str(result.model.tree)
    assert loaded.feature_spec == result.model.feature_spec
    with np.load(tmp_path / "copy.npz", allow_pickle=False) as f:
        assert all(f[k].dtype != object for k in f.files)


def test_scorer_matches_kaldis_gmm_loglikelihood(trained):
    _, result = trained
    am = result.model.am
    feats = np.random.default_rng(3).normal(size=(20, am.dim)).astype(np.float32)
    expected = np.array([[am.log_likelihood(p, x) for p in range(am.num_pdfs)] for x in feats])
    np.testing.assert_allclose(GmmScorer(am, chunk_frames=7)(feats), expected, rtol=1e-5, atol=1e-3)


# ---------------------------------------------------------------- decoding and programs

def _decode(graph_dir, data_dir, exp, decode_dir, num_jobs=1) -> dict:
    """Decode with the shared decoding program; return its decode.json."""
    decode.main(["--nj", str(num_jobs), "--gmm-dir", str(exp), str(graph_dir), str(data_dir), str(exp),
                 str(decode_dir)])
    return json.loads((decode_dir / "decode.json").read_text())


def test_decoding_the_toy_test_set_gives_the_right_words(toy, trained, tmp_path):
    exp, result = trained
    write_fst(word_loop_grammar([toy.lang.words[w] for w in WORDS]), toy.lang.dir / "G.fst")
    make_graph_dir(toy.lang.dir, exp, tmp_path / "graph")
    summary = _decode(tmp_path / "graph", toy.test, exp, tmp_path / "decode", num_jobs=2)
    assert summary["wer"] == 0.0 and summary["utterances"] == 12 and not summary["failed"]
    assert read_text(tmp_path / "decode" / "text") == {u: t.split() for u, t in load_data_dir(toy.test).text.items()}
    assert (tmp_path / "decode" / "wer").read_text().startswith("%WER 0.00 [ 0 /")


def test_programs_align_and_decode(toy, trained, tmp_path, capsys):
    exp, _ = trained
    write_fst(word_loop_grammar([toy.lang.words[w] for w in WORDS]), tmp_path / "G.fst")
    make_graph.main(["--grammar", str(tmp_path / "G.fst"), str(toy.lang.dir), str(exp), str(tmp_path / "graph")])
    align_gmm.main([str(toy.test), str(toy.lang.dir), str(exp), str(tmp_path / "ali")])
    decode.main(["--beam", "10", "--gmm-dir", str(exp), str(tmp_path / "graph"), str(toy.test), str(exp),
                 str(tmp_path / "decode")])
    out = capsys.readouterr().out
    assert "aligned 12 of 12 utterances" in out and "%WER 0.00" in out
    assert len(read_alignments(tmp_path / "ali" / "ali.pdf.ark")) == 12


def test_dnn_trained_on_the_gmm_alignment_realigns_the_data(toy, trained, tmp_path, capsys):
    exp, result = trained
    num_pdfs = result.model.num_pdfs

    def train(out, pdfs):
        train_dnn.main([str(toy.train), str(exp / "ali.pdf.ark"), str(toy.train), str(exp / "ali.pdf.ark"), str(pdfs),
                        str(out), "--hidden-layers", "1", "--hidden-dim", "64", "--context", "2", "--batch-size", "64",
                        "--max-epochs", "6", "--lr", "3e-3", "--num-threads", "1"])
        return out

    dnn = train(tmp_path / "dnn", num_pdfs)
    align_dnn.main(["--nj", "2", str(toy.train), str(toy.lang.dir), str(exp), str(dnn), str(tmp_path / "ali")])
    assert "aligned 80 of 80 utterances" in capsys.readouterr().out
    gmm_pdfs = read_alignments(exp / "ali.pdf.ark")
    dnn_pdfs = read_alignments(tmp_path / "ali" / "ali.pdf.ark")
    assert list(dnn_pdfs) == list(gmm_pdfs)
    assert all(len(dnn_pdfs[utt]) == len(gmm_pdfs[utt]) for utt in gmm_pdfs)
    agreement = np.mean(np.concatenate([dnn_pdfs[utt] == gmm_pdfs[utt] for utt in gmm_pdfs]))
    assert agreement > 0.8
    assert json.loads((tmp_path / "ali" / "align.json").read_text())["scored_by"] == f"{dnn} (float)"
    other = train(tmp_path / "other", num_pdfs + 1)
    with pytest.raises(SystemExit):
        align_dnn.main([str(toy.train), str(toy.lang.dir), str(exp), str(other), str(tmp_path / "bad")])
    assert f"the DNN has {num_pdfs + 1} pdfs, the GMM in {exp} {num_pdfs}" in capsys.readouterr().err


def test_train_program_reports_bad_input_in_one_line(toy, tmp_path, capsys):
    data = load_data_dir(toy.test)
    data.tables["text"][data.utts[3]] = "go banana"
    subset_data_dir(data, data.utts, tmp_path / "data")
    with pytest.raises(SystemExit):
        train_mono.main([str(tmp_path / "data"), str(toy.lang.dir), str(tmp_path / "exp")])
    err = capsys.readouterr().err.strip()
    assert err.startswith("train_mono: error: ") and f"{data.utts[3]} 'banana'" in err and "\n" not in err
    assert not (tmp_path / "exp" / "final.npz").exists()


def test_train_program_on_a_random_subset(toy, tmp_path, capsys):
    train_mono.main(["--num-iters", "4", "--total-gauss", "50", "--max-utts", "30", "--subset", "random",
                     "--nj", "2", str(toy.train), str(toy.lang.dir), str(tmp_path / "exp")])
    log = json.loads((tmp_path / "exp" / "train.json").read_text())
    assert log["num_train_utts"] == 30 and log["subset"] == "random"
    assert len(read_alignments(tmp_path / "exp" / "ali.ark")) == 80
    assert "pdfs" in capsys.readouterr().out


# ---------------------------------------------------------------- triphones

def test_tree_without_splits_is_kaldis_monophone_tree_byte_for_byte(toy):
    topo = toy.lang.topology()
    num_pdf_classes = {p: topo.num_pdf_classes(p) for p in topo.phones}
    roots = {(p, k): Leaf(np.zeros(0, int), np.zeros(3)) for p in topo.phones for k in range(num_pdf_classes[p])}
    assign_pdfs(GrownTree(roots, np.inf))
    kaldi = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    expected = np.asarray(kaldi.__getstate__()[0], dtype=np.int8).tobytes()
    assert tree_bytes(roots, num_pdf_classes, context_width=1, central_position=0) == expected


def test_tree_questions_are_answered_by_kaldi_as_grown(toy):
    topo = toy.lang.topology()
    num_pdf_classes = {p: topo.num_pdf_classes(p) for p in topo.phones}
    leaf = lambda: Leaf(np.zeros(0, int), np.zeros(3))  # noqa: E731
    roots = {(p, k): leaf() for p in topo.phones for k in range(num_pdf_classes[p])}
    s, t, y = (toy.lang.phones[p] for p in ("s", "t", "y"))
    roots[(s, 1)] = Split(0, frozenset({t, y}), leaf(), Split(2, frozenset({t}), leaf(), leaf()))
    assign_pdfs(GrownTree(roots, 1.0), merge_thresh=0.0)  # empty leaves: merging loses 0, not < 0
    tree = context_dependency(tree_bytes(roots, num_pdf_classes))
    assert (tree.context_width, tree.central_position) == (3, 1)
    first = tree.compute([t, s, 0], 1)[1]
    assert tree.compute([y, s, t], 1)[1] == first
    assert tree.compute([0, s, t], 1)[1] == first + 1 and tree.compute([0, s, 0], 1)[1] == first + 2
    assert tree.num_pdfs == sum(num_pdf_classes.values()) + 2


def test_leaves_of_one_root_that_model_the_same_data_share_a_pdf():
    rng = np.random.default_rng(5)

    def leaf(mean):
        x = rng.normal(mean, 1.0, size=(400, 2))
        return Leaf(np.zeros(0, int), np.concatenate([[len(x)], x.sum(axis=0), (x * x).sum(axis=0)]))

    same_a, same_b, other = leaf(0.0), leaf(0.0), leaf(5.0)
    grown = GrownTree({(1, 0): Split(0, frozenset({2}), same_a, Split(2, frozenset({3}), other, same_b)),
                       (2, 0): leaf(1.0)}, smallest_gain=20.0)
    pdfs = assign_pdfs(grown)
    assert same_a.pdf == same_b.pdf != other.pdf and len(pdfs) == 3
    assert [p.root for p in pdfs] == [(1, 0), (1, 0), (2, 0)]
    assert pdfs[same_a.pdf].total[0] == 800


def test_phone_instances_are_found_in_alignments_even_when_a_phone_repeats(toy, trained):
    exp, result = trained
    prons = make_lexicon(WORDS, unk_word=None).prons
    text = load_data_dir(toy.train).text
    sil = toy.lang.phones["sil"]
    for utt, tids in list(read_alignments(exp / "ali.ark").items())[:40]:
        events = frame_events(result.model.trans_model, tids, {sil})
        starts = np.flatnonzero(np.any(np.diff(events[:, :3], axis=0) != 0, axis=1)
                                | (np.diff(events[:, 3]) < 0)) + 1
        centers = events[np.concatenate([[0], starts]), 1]
        expected = [toy.lang.phones[p] for w in text[utt].split() for p in prons[w][0]]
        assert [c for c in centers if c != sil] == expected, utt


@pytest.fixture(scope="module")
def tri(toy, trained, tmp_path_factory):
    mono_exp, _ = trained
    exp = tmp_path_factory.mktemp("exp") / "tri"
    config = TriConfig(dataclasses.replace(TRI_SCHEDULE, total_gauss=150, num_iters=20, max_iter_inc=12,
                                           realign_iters=(6, 12)), num_leaves=50, min_leaf_count=20, min_gain=50.0)
    return exp, train_tri_dir(toy.train, toy.lang.dir, mono_exp, exp, config, progress=False)


def test_triphone_training_names_a_corrupt_monophone_alignment(toy, trained, tmp_path):
    mono_exp, _ = trained
    ali_dir = tmp_path / "mono"
    ali_dir.mkdir()
    for name in ("final.npz", "final.json"):
        (ali_dir / name).write_bytes((mono_exp / name).read_bytes())
    (ali_dir / "ali.ark").write_bytes((mono_exp / "ali.ark").read_bytes()[:-7])
    with pytest.raises(AlignmentError, match=r"mono/ali.ark: not a Kaldi int-vector ark after utterance"):
        train_tri_dir(toy.train, toy.lang.dir, ali_dir, tmp_path / "tri", TriConfig(), progress=False)
    (ali_dir / "ali.ark").unlink()
    with pytest.raises(AlignmentError, match=r"mono/ali.ark: no such alignment file"):
        train_tri_dir(toy.train, toy.lang.dir, ali_dir, tmp_path / "tri", TriConfig(), progress=False)
    assert not (tmp_path / "tri").exists()


def test_triphone_training_grows_a_tree_and_converges(toy, trained, tri):
    exp, result = tri
    mono = trained[1].model
    assert mono.num_pdfs < result.model.num_pdfs <= 50 and result.model.tree.context_width == 3
    likes = [h.loglike_per_frame for h in result.history]
    assert likes[-1] > likes[0] and all(b > a - 0.05 for a, b in zip(likes[5:], likes[6:]))
    log = json.loads((exp / "train.json").read_text())
    assert log["num_questions"] > 5 and not log["never_aligned"]
    loaded = load_model(exp)
    feats = np.random.default_rng(4).normal(size=(30, loaded.dim)).astype(np.float32)
    assert np.array_equal(GmmScorer(loaded.am)(feats), GmmScorer(result.model.am)(feats))
    assert str(loaded.tree) == str(result.model.tree)


def test_triphone_alignments_and_decoding(toy, tri, tmp_path):
    exp, result = tri
    tids, pdfs = read_alignments(exp / "ali.ark"), read_alignments(exp / "ali.pdf.ark")
    frames = load_data_dir(toy.train).tables["utt2num_frames"]
    sil = toy.lang.phones["sil"]
    tid2phone = np.array([0] + [result.model.trans_model.transition_id_to_phone(t)
                                for t in range(1, result.model.trans_model.num_transition_ids + 1)])
    for utt, ali in tids.items():
        assert len(ali) == len(pdfs[utt]) == int(frames[utt])
        assert np.array_equal(pdfs[utt], result.model.pdf_alignment(ali))
        assert _collapse(list(tid2phone[ali]), sil) == _collapse(list(toy.truth[utt]), sil), utt
    write_fst(word_loop_grammar([toy.lang.words[w] for w in WORDS]), tmp_path / "G.fst")
    make_graph_dir(toy.lang.dir, exp, tmp_path / "graph", grammar=tmp_path / "G.fst")
    summary = _decode(tmp_path / "graph", toy.test, exp, tmp_path / "decode")
    assert summary["wer"] == 0.0 and summary["utterances"] == 12
