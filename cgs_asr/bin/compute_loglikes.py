"""Log-likelihoods (log posterior - log prior) of a trained DNN for a data dir, as a Kaldi ark+scp.

The scp is written beside the ark (same name, .scp); Kaldi's latgen-faster-mapped reads either.
--kernel fixed runs a quantized model on the bit-exact fixed-point engine emulator.
"""
import argparse
import logging
from pathlib import Path

import torch

from cgs_asr.bin.common import program
from cgs_asr.decode.models import KERNELS
from cgs_asr.nnet.compression import emulated_model, load_acoustic_model
from cgs_asr.nnet.loglikes import write_log_likelihoods


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("out_ark", type=Path)
    parser.add_argument("--kernel", choices=KERNELS, default="float",
                        help="DNN arithmetic: float (torch) or fixed (the engine emulator, quantized models)")
    parser.add_argument("--num-threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.num_threads)
    model = load_acoustic_model(args.model_dir)
    if args.kernel == "fixed":
        model = emulated_model(model)
    count = write_log_likelihoods(model, args.data_dir, args.out_ark)
    logging.getLogger("compute_loglikes").info("wrote %d utterances to %s (%s kernel)", count, args.out_ark,
                                               args.kernel)


if __name__ == "__main__":
    main()
