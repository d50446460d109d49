"""Replace a model's pdf priors by its mean posterior over a data dir's frames (Kaldi's nnet-adjust-priors).

Use it on a network whose posteriors do not follow its alignment's pdf counts, such as one fine-tuned
with a teacher on a narrow set (priors.py says why). --max-utts takes that many utterances spread evenly
over the data dir.
"""
import argparse
import logging
from pathlib import Path

import torch

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.features.splice import splice_feats
from cgs_asr.nnet.compression import load_acoustic_model
from cgs_asr.nnet.dataset import model_inputs
from cgs_asr.nnet.modeldir import replace_prior
from cgs_asr.nnet.priors import PRIOR_FLOOR, mean_posterior


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("data_dir", type=Path, help="the model's training data: feats.scp, and cmvn.scp for per-speaker CMVN")
    parser.add_argument("--max-utts", type=int, default=None)
    parser.add_argument("--num-threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.num_threads)
    model = load_acoustic_model(args.model_dir)
    utts = load_data_dir(args.data_dir).utts
    if args.max_utts is not None and args.max_utts < len(utts):
        utts = [utts[i * len(utts) // args.max_utts] for i in range(args.max_utts)]
    config = model.config
    batches = (splice_feats(feats, config.left_context, config.right_context)
               for _, feats in model_inputs(args.data_dir, config, utts))
    prior = mean_posterior(model.network, batches, config.num_pdfs)
    floored = model.prior <= PRIOR_FLOOR * 1.01
    replace_prior(args.model_dir, prior, {"from": "mean posterior", "data": str(args.data_dir), "utterances": len(utts)})
    logging.getLogger("adjust_priors").info(
        "%s: prior from the mean posterior over %d utterances of %s; the %d pdfs whose old prior was at the "
        "floor now hold %.1f %% of it", args.model_dir, len(utts), args.data_dir, int(floored.sum()),
        100 * prior[floored].sum())


if __name__ == "__main__":
    main()
