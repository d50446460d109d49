"""Check a Kaldi data dir; print every problem with its file and line."""
import argparse
import sys

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import validate_data_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-audio", action="store_true", help="do not open the audio files")
    parser.add_argument("data_dir")
    args = parser.parse_args(argv)
    problems = validate_data_dir(args.data_dir, check_audio=not args.no_audio)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{args.data_dir}: OK")


if __name__ == "__main__":
    main()
