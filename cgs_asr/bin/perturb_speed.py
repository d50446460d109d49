"""Copy a data dir at several speeds (Kaldi's 3-way speed perturbation: 0.9, 1.0, 1.1 by default)."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.data.perturb import perturb_speed


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factors", default="0.9 1.0 1.1", help="space-separated speed factors")
    parser.add_argument("src")
    parser.add_argument("dest")
    args = parser.parse_args(argv)
    result = perturb_speed(load_data_dir(args.src), [float(f) for f in args.factors.split()], args.dest)
    print(f"{args.dest}: {len(result.utts)} utterances")


if __name__ == "__main__":
    main()
