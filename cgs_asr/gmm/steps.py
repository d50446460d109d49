"""The GMM stage over files, as Kaldi's steps/train_mono.sh, steps/align_si.sh and utils/mkgraph.sh:
read data, lang, model and graph dirs, run the library, write the results.

Files written:

- ``train_mono_dir``: ``<exp>/final.{npz,json}`` (the model), ``<exp>/train.json``
  (configuration, training subset, per-iteration history, times), and the
  alignment of the whole data dir as ``align_data_dir`` writes it
- ``train_tri_dir``: the same files as ``train_mono_dir``, from a triphone model
  grown on a monophone alignment dir
- ``align_data_dir``: ``<ali>/ali.ark`` (transition-ids) and ``<ali>/ali.pdf.ark``
  (pdf-ids), Kaldi int-vector arks with one entry per aligned utterance and
  one id per feature frame; ``<ali>/align.json`` (counts, failed
  utterances); a copy of the model, ``<ali>/final.{npz,json}``, so the
  alignment and the model it indexes stay together
- ``make_graph_dir``: HCLG and its companions (see :mod:`cgs_asr.lang.hclg`)

Decoding with a GMM goes through the shared :mod:`cgs_asr.decode.datadir`.

Utterances are split into ``num_jobs`` contiguous parts that run in forked
processes; results are gathered in the parent and written in utterance order.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from cgs_asr.data.alignments import read_alignments, write_alignments
from cgs_asr.data.datadir import DataDir, DataDirError, load_data_dir
from cgs_asr.gmm.align import Aligner, Alignment, AlignOptions
from cgs_asr.gmm.feats import FeatureReader, FeatureSpec
from cgs_asr.gmm.graphs import GraphCompiler, transcripts_to_word_ids
from cgs_asr.gmm.model import GmmHmm, init_mono
from cgs_asr.gmm.model_io import load_model, save_model
from cgs_asr.gmm.mono import MonoConfig, train_mono
from cgs_asr.gmm.training import TrainResult
from cgs_asr.gmm.tri import TriConfig, init_tri, train_tri
from cgs_asr.lang.files import atomic_write_text, read_fst
from cgs_asr.lang.hclg import make_hclg, write_graph_dir
from cgs_asr.lang.prepare import Lang
from cgs_asr.parallel import fork_map, single_threaded_blas, split_evenly

log = logging.getLogger(__name__)

SUBSETS = ("shortest", "random")


def _write_json(path: Path, obj) -> None:
    atomic_write_text(path, json.dumps(obj, indent=1) + "\n")


def select_utterances(data: DataDir, max_utts: int | None, subset: str = "shortest", seed: int = 0) -> list[str]:
    """All utterances, or ``max_utts`` of them: the shortest (by utt2num_frames) or a random draw."""
    utts = data.utts
    if max_utts is not None and max_utts < 1:
        raise ValueError(f"max_utts must be positive, got {max_utts}")
    if max_utts is None or max_utts >= len(utts):
        return utts
    if subset == "random":
        chosen = np.random.default_rng(seed).choice(len(utts), size=max_utts, replace=False)
        return sorted((utts[i] for i in chosen), key=str.encode)
    if subset != "shortest":
        raise ValueError(f"unknown subset '{subset}' (choose from {', '.join(SUBSETS)})")
    lengths = data.tables.get("utt2num_frames")
    if lengths is None:
        raise DataDirError(f"{data.path / 'utt2num_frames'}: missing (needed to pick the shortest utterances)")
    shortest = sorted(utts, key=lambda u: (int(lengths[u]), u.encode()))[:max_utts]
    return sorted(shortest, key=str.encode)


def global_mean_var(feats: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance over all frames (float64 sums), for the flat start."""
    count, first, second = 0, 0.0, 0.0
    for x in feats:
        count += len(x)
        first = first + x.sum(axis=0, dtype=np.float64)
        second = second + np.square(x, dtype=np.float64).sum(axis=0)
    mean = first / count
    return mean, np.maximum(second / count - mean**2, 1e-3)


def train_mono_dir(data_dir: str | Path, lang_dir: str | Path, exp_dir: str | Path,
                   config: MonoConfig = MonoConfig(), max_utts: int | None = None, subset: str = "shortest",
                   map_oov: bool = False, feature_spec: FeatureSpec = FeatureSpec(),
                   progress: bool = True) -> TrainResult:
    """Train a monophone model on (a subset of) a data dir, then align the whole data dir with it."""
    start = time.perf_counter()
    data, lang, exp_dir = load_data_dir(Path(data_dir)), Lang.load(lang_dir), Path(exp_dir)
    transcripts = transcripts_to_word_ids(data.text, lang, map_oov, where=str(data.path / "text"))
    utts = select_utterances(data, max_utts, subset, config.seed)
    reader = FeatureReader(data, feature_spec)
    feats = {utt: reader.read(utt) for utt in tqdm(utts, desc="features", disable=None if progress else True)}
    model = init_mono(lang.topology(), *global_mean_var(feats.values()), feature_spec)
    compiler = GraphCompiler(model, lang)
    graphs = {utt: compiler.compile(transcripts.word_ids[utt]) for utt in utts}
    prepared = time.perf_counter()
    result = train_mono(model, feats, graphs, config, progress)
    del feats, graphs
    _finish_training(result, data, lang, exp_dir, map_oov, config.schedule.num_jobs, progress, start, prepared, {
        "config": config.to_dict(), "feature_spec": feature_spec.to_dict(), "max_utts": max_utts,
        "subset": subset, "num_train_utts": len(utts), "oov_words_mapped": transcripts.num_oov_mapped})
    return result


def _finish_training(result: TrainResult, data: DataDir, lang: Lang, exp_dir: Path, map_oov: bool, num_jobs: int,
                     progress: bool, start: float, prepared: float, log_fields: dict) -> None:
    """Save the model, align the whole data dir with it and write train.json."""
    trained = time.perf_counter()
    save_model(result.model, exp_dir)
    summary = align_data_dir(data, lang, result.model, exp_dir, map_oov=map_oov, num_jobs=num_jobs,
                             progress=progress, save_model_copy=False)
    _write_json(exp_dir / "train.json", {
        "data_dir": str(data.path), "lang_dir": str(lang.dir), "map_oov": map_oov, **log_fields,
        "num_pdfs": result.model.num_pdfs, "num_gauss": result.model.num_gauss,
        "never_aligned": sorted(u for u, a in result.alignments.items() if a is None),
        "history": [asdict(h) for h in result.history],
        "seconds": {"prepare": prepared - start, "train": trained - prepared,
                    "align": summary.seconds, "total": time.perf_counter() - start},
    })


def train_tri_dir(data_dir: str | Path, lang_dir: str | Path, ali_dir: str | Path, exp_dir: str | Path,
                  config: TriConfig = TriConfig(), map_oov: bool = False, progress: bool = True) -> TrainResult:
    """Train triphones on a data dir from the monophone model and alignment in ``ali_dir``; align it again."""
    start = time.perf_counter()
    data, lang, exp_dir = load_data_dir(Path(data_dir)), Lang.load(lang_dir), Path(exp_dir)
    mono, mono_alignments = load_model(ali_dir), read_alignments(Path(ali_dir) / "ali.ark")
    transcripts = transcripts_to_word_ids(data.text, lang, map_oov, where=str(data.path / "text"))
    reader = FeatureReader(data, mono.feature_spec)
    reader.check_dim(mono.dim)
    feats = {utt: reader.read(utt) for utt in tqdm(data.utts, desc="features", disable=None if progress else True)}
    with single_threaded_blas():
        init = init_tri(mono, feats, mono_alignments, set(lang.phone_ids(lang.silence_phones)), config)
    compiler = GraphCompiler(init.model, lang)
    graphs = {utt: compiler.compile(transcripts.word_ids[utt]) for utt in data.utts}
    prepared = time.perf_counter()
    result = train_tri(init, feats, graphs, config, progress)
    del feats, graphs
    _finish_training(result, data, lang, exp_dir, map_oov, config.schedule.num_jobs, progress, start, prepared, {
        "ali_dir": str(ali_dir), "config": config.to_dict(), "num_train_utts": len(data.utts),
        "oov_words_mapped": transcripts.num_oov_mapped, "num_questions": init.num_questions})
    return result


@dataclass(frozen=True)
class AlignSummary:
    utterances: int
    failed: list[str]
    retried: int
    frames: int           # aligned frames
    loglike_per_frame: float
    seconds: float


def align_data_dir(data: DataDir | str | Path, lang: Lang | str | Path, model: GmmHmm, ali_dir: str | Path,
                   options: AlignOptions = AlignOptions(), map_oov: bool = False, num_jobs: int = 1,
                   progress: bool = True, save_model_copy: bool = True,
                   map_parts: Callable = fork_map,
                   loglikes: Callable[[str], np.ndarray] | None = None, scored_by: str = "gmm") -> AlignSummary:
    """Align every utterance of a data dir to its transcript; write the arks (see the module docstring).

    ``map_parts`` runs the jobs (forked here, or :meth:`cgs_asr.jobs.Jobs.map`).
    ``loglikes`` (utterance -> frames x pdfs), if given, scores the frames in
    place of the GMM, whose transition model and tree still make the graphs:
    a DNN's alignment (``scored_by`` names it in align.json). The data dir's
    features are then not read here.
    """
    start = time.perf_counter()
    data = data if isinstance(data, DataDir) else load_data_dir(Path(data))
    lang = lang if isinstance(lang, Lang) else Lang.load(lang)
    ali_dir = Path(ali_dir)
    transcripts = transcripts_to_word_ids(data.text, lang, map_oov, where=str(data.path / "text"))
    if loglikes is None:
        reader = FeatureReader(data, model.feature_spec)
        reader.check_dim(model.dim)
    compiler = GraphCompiler(model, lang)
    aligner = Aligner(model, options)

    def align_one(utt: str) -> Alignment:
        graph = compiler.compile(transcripts.word_ids[utt])
        return aligner.align(graph, reader.read(utt), utt) if loglikes is None else \
            aligner.align_loglikes(graph, loglikes(utt), utt)

    def align_part(part):
        position, utts = part
        out = []
        for utt in tqdm(utts, desc=f"align {position + 1}", position=position, leave=False,
                        disable=None if progress else True):
            result = align_one(utt)
            out.append((utt, result.tids, result.loglike, result.retried))
        return out

    with single_threaded_blas():
        parts = map_parts(align_part, list(enumerate(split_evenly(data.utts, num_jobs))))
    results = [r for part in parts for r in part]
    aligned = {utt: tids for utt, tids, _, _ in results if tids is not None}
    tid2pdf = model.tid2pdf()
    ali_dir.mkdir(parents=True, exist_ok=True)
    write_alignments(ali_dir / "ali.ark", aligned)
    write_alignments(ali_dir / "ali.pdf.ark", {utt: tid2pdf[tids] for utt, tids in aligned.items()})
    if save_model_copy:
        save_model(model, ali_dir)
    frames = sum(len(tids) for tids in aligned.values())
    summary = AlignSummary(
        utterances=len(results), failed=[utt for utt, tids, _, _ in results if tids is None],
        retried=sum(retried for *_, retried in results), frames=frames,
        loglike_per_frame=sum(like for _, tids, like, _ in results if tids is not None) / max(frames, 1),
        seconds=time.perf_counter() - start)
    _write_json(ali_dir / "align.json", {"data_dir": str(data.path), "lang_dir": str(lang.dir),
                                         "scored_by": scored_by, "options": asdict(options), "map_oov": map_oov,
                                         **asdict(summary)})
    if summary.failed:
        log.warning("%s: %d of %d utterances failed to align (listed in %s)", data.path, len(summary.failed),
                    summary.utterances, ali_dir / "align.json")
    return summary


def make_graph_dir(lang_dir: str | Path, model_dir: str | Path, graph_dir: str | Path,
                   grammar: str | Path | None = None) -> None:
    """HCLG for a model from the lang dir's L_disambig and G (``<lang>/G.fst`` unless given)."""
    lang, model = Lang.load(lang_dir), load_model(model_dir)
    g = read_fst(grammar if grammar is not None else lang.dir / "G.fst")
    graph = make_hclg(lang, g, model.trans_model, model.tree)
    write_graph_dir(graph_dir, graph, lang, model.trans_model)
