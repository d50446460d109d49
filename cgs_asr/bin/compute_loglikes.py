"""Log-likelihoods (log posterior - log prior) of a trained DNN for a data dir, as a Kaldi ark+scp.

The scp is written beside the ark (same name, .scp); Kaldi's latgen-faster-mapped reads either.
--kernel fixed runs a quantized model on the bit-exact fixed-point engine emulator. With --nj N the
data dir is split by speaker into N jobs (--cmd: forked, or Slurm), job N writes <name>.N.ark, and the
one scp lists them all (logs in the ark's folder, log/).
"""
import argparse
import logging
from pathlib import Path

import torch

from cgs_asr.bin.common import program
from cgs_asr.decode.models import KERNELS
from cgs_asr.jobs import add_job_options, jobs_from_args
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
    parser.add_argument("--num-threads", type=int, default=2, help="torch threads of each job")
    add_job_options(parser)
    args = parser.parse_args(argv)
    jobs = jobs_from_args(args, __spec__.name, argv, args.out_ark.parent)
    torch.set_num_threads(args.num_threads)
    model = load_acoustic_model(args.model_dir)
    if args.kernel == "fixed":
        model = emulated_model(model)
    count = write_log_likelihoods(model, args.data_dir, args.out_ark, num_jobs=args.nj, map_parts=jobs.map)
    logging.getLogger("compute_loglikes").info("wrote %d utterances to %s (%s kernel)", count, args.out_ark,
                                               args.kernel)


if __name__ == "__main__":
    main()
