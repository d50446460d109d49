"""Split a data dir into N parts under <data>/split<N>/ (whole speakers by default)."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import load_data_dir, split_data_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-utt", action="store_true", help="split utterances, not speakers")
    parser.add_argument("data_dir")
    parser.add_argument("num_jobs", type=int)
    args = parser.parse_args(argv)
    for part in split_data_dir(load_data_dir(args.data_dir), args.num_jobs, args.per_utt):
        print(part)


if __name__ == "__main__":
    main()
