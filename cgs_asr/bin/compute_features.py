"""Extract fbank or MFCC features for a data dir (Kaldi's make_fbank.sh / make_mfcc.sh)."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.features.config import options_from_config
from cgs_asr.features.extract import make_features


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--type", choices=["fbank", "mfcc"], default="fbank")
    parser.add_argument("--config", required=True, help="Kaldi-style options file, e.g. conf/fbank.conf")
    parser.add_argument("--nj", type=int, default=1)
    parser.add_argument("--allow-commands", action="store_true",
                        help="run wav.scp entries of the form 'command |'")
    parser.add_argument("data_dir")
    parser.add_argument("feat_dir", help="where the ark/scp files go")
    args = parser.parse_args(argv)
    opts = options_from_config(args.type, args.config)
    frames = make_features(args.data_dir, args.type, opts, args.feat_dir, args.nj, args.allow_commands)
    print(f"{args.data_dir}: {frames} frames of {args.type}")


if __name__ == "__main__":
    main()
