"""Per-speaker CMVN statistics for a data dir with features (Kaldi's compute_cmvn_stats.sh)."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.features.cmvn import compute_cmvn_stats


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir")
    parser.add_argument("cmvn_dir")
    args = parser.parse_args(argv)
    compute_cmvn_stats(args.data_dir, args.cmvn_dir)


if __name__ == "__main__":
    main()
