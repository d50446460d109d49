"""Log-likelihoods (log posterior - log prior) of a trained DNN for a data dir, as a Kaldi ark+scp.

The scp is written beside the ark (same name, .scp); Kaldi's latgen-faster-mapped reads either.
"""
import argparse
import logging
from pathlib import Path

import torch

from cgs_asr.bin.common import program
from cgs_asr.nnet.loglikes import write_log_likelihoods
from cgs_asr.nnet.compression import load_acoustic_model


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("out_ark", type=Path)
    parser.add_argument("--num-threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.num_threads)
    count = write_log_likelihoods(load_acoustic_model(args.model_dir), args.data_dir, args.out_ark)
    logging.getLogger("compute_loglikes").info("wrote %d utterances to %s", count, args.out_ark)


if __name__ == "__main__":
    main()
