"""Synthesize the built-in corpus (TTS speakers, augmentation) as Kaldi data dirs."""
import argparse
import json

from cgs_asr.bin.common import program
from cgs_asr.data.synth.corpus import PRESETS, build_corpus


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nj", type=int, default=2, help="parallel synthesis processes")
    parser.add_argument("--conversions", type=int, default=None,
                        help="converted copies (WORLD vocoder: F0 and vocal-tract changes) of each flite and "
                             "festival training speaker; default: the preset's")
    parser.add_argument("out", help="output folder (wav/, asr/{train,dev,test}, kws/{train,dev,test})")
    args = parser.parse_args(argv)
    manifest = build_corpus(args.out, args.preset, args.seed, args.nj, conversions=args.conversions)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
