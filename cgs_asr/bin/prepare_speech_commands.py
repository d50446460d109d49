"""Make train / dev / test data dirs from a folder in the Speech Commands layout.

    cgs-prepare-speech-commands SC_DIR OUT_DIR     (writes OUT_DIR/{train,dev,test})

SC_DIR holds a folder per word with <speaker>_nohash_<n>.wav files and the
lists validation_list.txt (dev) and testing_list.txt (test).
"""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.speech_commands import make_speech_commands_data_dirs


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sc_dir")
    parser.add_argument("out_dir")
    args = parser.parse_args(argv)
    for split, data in make_speech_commands_data_dirs(args.sc_dir, args.out_dir).items():
        print(f"{data.path}: {len(data.utts)} recordings of {len(set(data.utt2spk.values()))} speakers, "
              f"{len(set(data.text.values()))} words")


if __name__ == "__main__":
    main()
