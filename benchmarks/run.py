"""All benchmarks in one run; the LAST line printed is one JSON object of named figures.

- emulator (benchmarks/emulator.py): ``emulator_cgs75_vs_dense`` (throughput
  ratio, target >= 2.5) and ``emulator_vs_torch_float`` (dense emulator over
  float32 torch, target >= 0.3);
- training (benchmarks/training.py): dense training frames/s;
- ``cgs_train_epoch_vs_dense``: seconds of one training epoch of the default
  preset with CGS-75 % (16 x 16 blocks) over the same epoch dense (target
  <= 1.3); ``cgs_distill_train_epoch_vs_dense``: the same CGS epoch taught
  by a dense network (the recipe's stage 9), over the dense epoch;
- ``decode_rtf``: DNN forward plus WFST search on one thread, seconds per
  second of audio.  With ``--graph-dir --model-dir --data-dir`` (e.g. the
  recipe's exp/mono/graph, exp/dnn, data/asr/test) on the first ``--utts``
  utterances; otherwise on a generated set: a ten-digit word-loop graph, the
  default-preset network with random weights and random features (a random
  network's flat posteriors make the search work harder than a trained one).

Usage: python benchmarks/run.py [--quick] [--graph-dir G --model-dir M --data-dir D]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import emulator  # noqa: E402  (benchmarks/emulator.py)
import training  # noqa: E402  (benchmarks/training.py)

from cgs_asr.nnet.model import ModelConfig, make_model  # noqa: E402
from cgs_asr.nnet.modeldir import AcousticModel  # noqa: E402
from cgs_asr.nnet.train import TrainConfig, train  # noqa: E402
from cgs_asr.sparsity import BlockSparsity, CGSConfig, apply_cgs  # noqa: E402

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def cgs_train_epoch_vs_dense(quick: bool) -> dict:
    """One epoch of the default preset, CGS-75 % (alone, and taught by a dense network) against dense,
    on the same random frames and threads."""
    train_set = training.random_frames(15_000 if quick else 200_000, seed=0)
    dev_set = training.random_frames(3_000, seed=1)
    config = ModelConfig.from_preset("default", training.NUM_PDFS, feat_dim=training.FEAT_DIM)
    teacher = make_model(config, seed=1)
    seconds = {}
    for name in ("dense", "cgs75", "cgs75_distill") * 2:   # interleaved, best of two: less machine noise
        network = make_model(config, seed=0)
        if name != "dense":
            apply_cgs(network, CGSConfig(BlockSparsity(16, 16, keep=0.25)))
        distill = name == "cgs75_distill"
        history = train(network, train_set, dev_set,
                        TrainConfig(max_epochs=1, num_threads=training.THREADS, distill_weight=0.5 if distill else 0.0),
                        progress=False, teacher=teacher if distill else None)
        seconds[name] = min(seconds.get(name, float("inf")), history[1].seconds)
    return {"dense_epoch_s": seconds["dense"], "cgs75_epoch_s": seconds["cgs75"],
            "cgs75_distill_epoch_s": seconds["cgs75_distill"],
            "cgs_train_epoch_vs_dense": seconds["cgs75"] / seconds["dense"],
            "cgs_distill_train_epoch_vs_dense": seconds["cgs75_distill"] / seconds["dense"]}


def _generated_decode_set(work: Path, utts: int):
    """A digit word-loop graph, a random default-preset model over its pdfs, random features."""
    from cgs_asr.decode.wfst import WfstDecoder
    from cgs_asr.kaldi import khg
    from cgs_asr.lang.grammar import word_loop_grammar
    from cgs_asr.lang.hclg import make_hclg
    from cgs_asr.lang.lexicon import make_lexicon
    from cgs_asr.lang.prepare import prepare_lang

    lexicon = make_lexicon(DIGITS, unk_word=None)
    lang = prepare_lang(lexicon, work / "lang")
    topo = lang.topology()
    ctx_dep = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    trans_model = khg.TransitionModel(ctx_dep, topo)
    graph = make_hclg(lang, word_loop_grammar([lang.words[w] for w in DIGITS]), trans_model, ctx_dep)
    decoder = WfstDecoder(graph.hclg, trans_model, lang.words)
    config = ModelConfig.from_preset("default", trans_model.num_pdfs)
    model = AcousticModel(make_model(config, seed=0), config, np.full(config.num_pdfs, 1 / config.num_pdfs))
    rng = np.random.default_rng(0)
    feats = [rng.normal(size=(250, config.feat_dim)).astype(np.float32) for _ in range(utts)]
    return decoder, model, feats


def _recipe_decode_set(graph_dir: Path, model_dir: Path, data_dir: Path, utts: int):
    from cgs_asr.decode.wfst import WfstDecoder
    from cgs_asr.gmm.model_io import load_model
    from cgs_asr.nnet.compression import load_acoustic_model
    from cgs_asr.nnet.dataset import model_inputs

    decoder = WfstDecoder.from_graph_dir(graph_dir, load_model(graph_dir.parent).trans_model)
    model = load_acoustic_model(model_dir)
    feats = [f for _, (_, f) in zip(range(utts), model_inputs(data_dir, model.config))]
    return decoder, model, feats


def decode_rtf(args) -> dict:
    """Forward and search time per second of audio (10 ms frames) on one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with tempfile.TemporaryDirectory() as work:
            if args.graph_dir:
                decoder, model, feats = _recipe_decode_set(args.graph_dir, args.model_dir, args.data_dir, args.utts)
            else:
                decoder, model, feats = _generated_decode_set(Path(work), args.utts)
            forward = search = 0.0
            for i, f in enumerate(feats):
                start = time.process_time()
                loglikes = model.log_likelihoods(f)
                middle = time.process_time()
                decoder.decode(loglikes, f"utt{i}")
                forward, search = forward + middle - start, search + time.process_time() - middle
    finally:
        torch.set_num_threads(threads)
    audio = sum(len(f) for f in feats) * 0.01
    return {"decode_set": "recipe" if args.graph_dir else "generated", "decode_utts": len(feats),
            "decode_audio_s": audio, "decode_forward_rtf": forward / audio, "decode_search_rtf": search / audio,
            "decode_rtf": (forward + search) / audio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sets, fewer repeats")
    parser.add_argument("--graph-dir", type=Path)
    parser.add_argument("--model-dir", type=Path)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--utts", type=int, help="decode set size (default 5 quick, 40 full)")
    args = parser.parse_args()
    if bool(args.graph_dir) != bool(args.model_dir) or bool(args.graph_dir) != bool(args.data_dir):
        parser.error("--graph-dir, --model-dir and --data-dir go together")
    args.utts = args.utts or (5 if args.quick else 40)
    start = time.perf_counter()
    emu = emulator.measure(args.quick)
    train_figures = training.measure(args.quick)
    figures = {
        "emulator_cgs75_vs_dense": emu["cgs_over_dense"],
        "emulator_vs_torch_float": emu["dense_over_torch"],
        **cgs_train_epoch_vs_dense(args.quick),
        **decode_rtf(args),
        "emulator_frames_per_s": emu["frames_per_second"],
        "train_frames_per_s": train_figures["train_frames_per_s"],
        "quick": args.quick,
    }
    figures["benchmark_seconds"] = time.perf_counter() - start
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
