"""Sweep CGS sparsity x weight bits x block size: short training runs, scored on dev, plotted with the Pareto front.

Each (sparsity, block) pair is one float training run of --float-epochs on a
subset of --train-utts training utterances; each float model is fine-tuned
with QAT for --qat-epochs (0: post-training quantization) at every weight
width, and without quantization for the float point (same budget). Points are scored by dev frame error, and by dev %WER when --graph-dir
is given (decoding the --dev-utts subset at one acoustic scale, the float
(fake-quantized) network standing in for the engine, which tracks it).
Writes <out-dir>/sweep.json (settings, points, Pareto front, time) after
every point and <out-dir>/sweep.png at the end. Time (sweep.json's
"seconds"): the full grid (10 float runs, 50 points) with --train-utts 200
(47 k frames), 2 + 1 epochs, one thread, scored by frame error: 1450 s (about
30 s a point) on a 2-core machine shared with other jobs; WER decoding adds
its own time (a weak model makes the search slow: use --dev-utts small).
"""
import argparse
import json
import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import load_data_dir, subset_data_dir
from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.features.cmvn import CMVN_SCOPES
from cgs_asr.gmm.model_io import load_model
from cgs_asr.lang.files import atomic_write_text
from cgs_asr.nnet.dataset import load_frame_set
from cgs_asr.nnet.model import ModelConfig
from cgs_asr.nnet.priors import compute_priors
from cgs_asr.sparsity.sweep import FLOAT, SweepGrid, SweepTraining, pareto_front, plot_sweep, run_sweep, wer_scorer

log = logging.getLogger("sweep_cgs")


def numbers(kind):
    def parse(text):
        return tuple(FLOAT if word == "float" else kind(word) for word in text.replace(",", " ").split())
    return parse


def evenly_spaced_subset(data_dir: Path, count: int | None, path: Path) -> Path:
    """``count`` utterances spread evenly over the data dir (all when None), written to ``path``."""
    data = load_data_dir(data_dir)
    if count is None or count >= len(data.utts):
        return data.path
    chosen = {data.utts[int(i)] for i in np.linspace(0, len(data.utts) - 1, count).round()}
    subset_data_dir(data, chosen, path)
    return path


@program
def main(argv):
    grid, training = SweepGrid(), SweepTraining()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("train_data", "train_ali", "dev_data", "dev_ali"):
        parser.add_argument(name, type=Path)
    parser.add_argument("num_pdfs", type=int)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--sparsity", type=numbers(float), default=grid.sparsities, help="percent of blocks dropped")
    parser.add_argument("--bits", type=numbers(int), default=grid.bits, help="weight bits; 'float' for none")
    parser.add_argument("--blocks", type=numbers(int), default=grid.blocks, help="square block sizes")
    parser.add_argument("--train-utts", type=int, default=600, help="training subset (about 235 frames each)")
    parser.add_argument("--dev-utts", type=int, default=100, help="dev subset for frame error and WER")
    parser.add_argument("--float-epochs", type=int, default=training.float_epochs)
    parser.add_argument("--qat-epochs", type=int, default=training.qat_epochs)
    parser.add_argument("--lr", type=float, default=training.lr)
    parser.add_argument("--qat-lr", type=float, default=training.qat_lr)
    parser.add_argument("--hidden-layers", type=int, default=4)
    parser.add_argument("--hidden-dim", type=int, default=384)
    parser.add_argument("--context", type=int, default=5)
    parser.add_argument("--cmvn", choices=CMVN_SCOPES, default="speaker", help="scope of the CMVN statistics")
    parser.add_argument("--seed", type=int, default=training.seed)
    parser.add_argument("--num-threads", type=int, default=training.num_threads)
    parser.add_argument("--graph-dir", type=Path, help="decode dev through this graph for %%WER")
    parser.add_argument("--gmm-dir", type=Path, help="transition model (default: graph dir's parent)")
    parser.add_argument("--acwt", type=float, default=0.1)
    parser.add_argument("--beam", type=float, default=10.0, help="narrower than cgs-decode's: many decodes")
    parser.add_argument("--max-active", type=int, default=2000)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    grid = SweepGrid(args.sparsity, args.bits, args.blocks)
    training = SweepTraining(args.float_epochs, args.qat_epochs, args.lr, args.qat_lr, seed=args.seed,
                             num_threads=args.num_threads)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    train_dir = evenly_spaced_subset(args.train_data, args.train_utts, args.out_dir / "data" / "train")
    dev_dir = evenly_spaced_subset(args.dev_data, args.dev_utts, args.out_dir / "data" / "dev")
    context = dict(left_context=args.context, right_context=args.context, cmvn=args.cmvn)
    train_set = load_frame_set(train_dir, args.train_ali, args.num_pdfs, **context, progress=False)
    dev_set = load_frame_set(dev_dir, args.dev_ali, args.num_pdfs, **context, feat_dim=train_set.feat_dim,
                             progress=False)
    config = ModelConfig(args.num_pdfs, train_set.feat_dim, hidden_layers=args.hidden_layers,
                         hidden_dim=args.hidden_dim, **context)
    wer = None
    if args.graph_dir:
        gmm = load_model(args.gmm_dir or args.graph_dir.parent)
        decoder = WfstDecoder.from_graph_dir(args.graph_dir, gmm.trans_model, beam=args.beam,
                                             max_active=args.max_active)
        wer = wer_scorer(decoder, load_data_dir(dev_dir), config, args.acwt, args.out_dir / "decode")
    metric = "wer" if wer else "dev_frame_error"
    settings = {"grid": asdict(grid), "training": asdict(training), "train_frames": len(train_set),
                "dev_frames": len(dev_set), "model": config.to_dict(), "metric": metric,
                "graph_dir": str(args.graph_dir) if args.graph_dir else None, "acoustic_scale": args.acwt,
                "beam": args.beam, "max_active": args.max_active}
    log.info("%d float runs x %d widths on %d training frames, scored by %s", len(grid.float_runs()),
             len(grid.bits), len(train_set), metric)
    points = []

    def save(point=None):
        if point is not None:
            points.append(point)
            log.info("%s: dev frame error %.2f%%%s, %d bits, %.0f s", point["name"], point["dev_frame_error"],
                     f", %WER {point['wer']:.2f}" if "wer" in point else "", point["weight_memory_bits"],
                     point["train_seconds"])
        atomic_write_text(args.out_dir / "sweep.json", json.dumps({
            **settings, "points": points, "pareto_front": [p["name"] for p in pareto_front(points, metric)],
            "seconds": time.perf_counter() - start}, indent=1) + "\n")

    run_sweep(config, compute_priors(train_set.targets.numpy(), args.num_pdfs), train_set, dev_set, grid, training,
              wer, on_point=save)
    save()
    plot_sweep(points, metric, args.out_dir / "sweep.png",
               f"CGS sweep: {len(train_set):,} training frames, {args.float_epochs}+{args.qat_epochs} epochs")
    print(f"{args.out_dir}: {len(points)} points in {time.perf_counter() - start:.0f} s; Pareto front: "
          + ", ".join(p["name"] for p in pareto_front(points, metric)))


if __name__ == "__main__":
    main()
