"""Extract fbank or MFCC features for a data dir (Kaldi's make_fbank.sh / make_mfcc.sh).

With --nj N the data dir is split into N parts by utterance; --cmd runs
them forked (local) or as Slurm jobs (logs in FEAT_DIR/log/).
"""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.features.config import options_from_config
from cgs_asr.features.extract import make_features
from cgs_asr.jobs import add_job_options, jobs_from_args


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--type", choices=["fbank", "mfcc"], default="fbank")
    parser.add_argument("--config", required=True, help="Kaldi-style options file, e.g. conf/fbank.conf")
    add_job_options(parser)
    parser.add_argument("--allow-commands", action="store_true",
                        help="run wav.scp entries of the form 'command |'")
    parser.add_argument("data_dir")
    parser.add_argument("feat_dir", help="where the ark/scp files go")
    args = parser.parse_args(argv)
    opts = options_from_config(args.type, args.config)
    jobs = jobs_from_args(args, __spec__.name, argv, args.feat_dir)
    frames = make_features(args.data_dir, args.type, opts, args.feat_dir, args.nj, args.allow_commands, jobs.map)
    print(f"{args.data_dir}: {frames} frames of {args.type}")


if __name__ == "__main__":
    main()
