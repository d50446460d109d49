"""Make a Kaldi data dir from a folder in the FSDD layout (recordings/{digit}_{speaker}_{index}.wav)."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.fsdd import make_fsdd_data_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speakers", required=True, help="space-separated speaker names")
    parser.add_argument("fsdd_dir")
    parser.add_argument("data_dir")
    args = parser.parse_args(argv)
    data = make_fsdd_data_dir(args.fsdd_dir, args.speakers.split(), args.data_dir)
    print(f"{args.data_dir}: {len(data.utts)} recordings of {len(set(data.utt2spk.values()))} speakers")


if __name__ == "__main__":
    main()
