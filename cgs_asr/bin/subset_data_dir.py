"""Copy a subset of a data dir: the first N utterances, or those listed in a file."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import DataDirError, load_data_dir, subset_data_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--first", type=int, help="keep the first N utterances")
    which.add_argument("--utt-list", help="file with one utterance id per line")
    which.add_argument("--spk-list", help="file with one speaker id per line")
    parser.add_argument("src")
    parser.add_argument("dest")
    args = parser.parse_args(argv)
    data = load_data_dir(args.src)
    if args.first is not None:
        utts = data.utts[: args.first]
    elif args.utt_list:
        utts = open(args.utt_list, encoding="utf-8").read().split()
    else:
        speakers = set(open(args.spk_list, encoding="utf-8").read().split())
        unknown = speakers - set(data.utt2spk.values())
        if unknown:
            raise DataDirError(f"{args.spk_list}: speakers not in {args.src}: {' '.join(sorted(unknown))}")
        utts = [u for u, s in data.utt2spk.items() if s in speakers]
    subset_data_dir(data, utts, args.dest)


if __name__ == "__main__":
    main()
