"""Combine data dirs into one (utterance ids must be unique across them)."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import combine_data_dirs, load_data_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest")
    parser.add_argument("srcs", nargs="+")
    args = parser.parse_args(argv)
    combine_data_dirs([load_data_dir(s) for s in args.srcs], args.dest)


if __name__ == "__main__":
    main()
