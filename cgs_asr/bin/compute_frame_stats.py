"""Frame-level scores of acoustic models on a data dir and its pdf alignment (as Kaldi's nnet3-compute-prob).

    cgs-compute-frame-stats data/asr/dev exp/tri1_ali_dev/ali.pdf.ark exp/dnn exp/dnn_cgs75

One line per model: cross-entropy, frame accuracy, posterior entropy, and the likelihood accuracy (how
often the highest posterior / prior, what the decoder scores, is the aligned pdf; cgs_asr/nnet/frame_stats.py
says why it matters). --json also writes them to a file. --kernel fixed runs quantized models on the
bit-exact engine emulator, as decoding does.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch

from cgs_asr.atomic import atomic_write_text
from cgs_asr.bin.common import program
from cgs_asr.decode.models import KERNELS
from cgs_asr.nnet.compression import emulated_model, load_acoustic_model
from cgs_asr.nnet.dataset import load_frame_set
from cgs_asr.nnet.frame_stats import frame_stats


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("ali", type=Path, help="pdf-ids per frame (int-vector ark, as ali-to-pdf writes)")
    parser.add_argument("model_dir", type=Path, nargs="+")
    parser.add_argument("--kernel", choices=KERNELS, default="float",
                        help="DNN arithmetic: float (torch) or fixed (the engine emulator, quantized models)")
    parser.add_argument("--json", type=Path, help="also write the scores here, one entry per model dir")
    parser.add_argument("--num-threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.num_threads)
    frame_sets = {}  # models with the same input share one loaded set
    results = {}
    for path in args.model_dir:
        model = load_acoustic_model(path)
        if args.kernel == "fixed":
            model = emulated_model(model)
        c = model.config
        key = (c.num_pdfs, c.left_context, c.right_context, c.norm_vars, c.cmvn)
        if key not in frame_sets:
            frame_sets[key] = load_frame_set(args.data_dir, args.ali, c.num_pdfs, c.left_context, c.right_context,
                                             c.norm_vars, feat_dim=c.feat_dim, cmvn=c.cmvn)
        stats = frame_stats(model.network, frame_sets[key], np.log(model.prior))
        results[str(path)] = stats.to_dict()
        print(f"{path}: {stats.frames} frames, cross-entropy {stats.cross_entropy:.4f}, frame accuracy "
              f"{100 * stats.accuracy:.2f} %, likelihood accuracy {100 * stats.likelihood_accuracy:.2f} %, "
              f"entropy {stats.entropy:.3f} nats", flush=True)
    if args.json:
        atomic_write_text(args.json, json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
