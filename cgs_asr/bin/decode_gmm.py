"""Decode a data dir with a GMM-HMM through an HCLG graph (Kaldi's steps/decode.sh, best path only).

Writes <decode-dir>/text and decode.json; with reference transcripts also wer and per_utt.
"""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.gmm.model_io import load_model
from cgs_asr.gmm.steps import decode_data_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--acoustic-scale", type=float, default=1 / 12, help="Kaldi decode.sh's default")
    parser.add_argument("--beam", type=float, default=11.0)
    parser.add_argument("--max-active", type=int, default=3000)
    parser.add_argument("--lattice-beam", type=float, default=6.0)
    parser.add_argument("--nj", type=int, default=1)
    parser.add_argument("graph_dir")
    parser.add_argument("data_dir")
    parser.add_argument("model_dir", help="holds final.npz and final.json")
    parser.add_argument("decode_dir")
    args = parser.parse_args(argv)
    summary = decode_data_dir(args.graph_dir, args.data_dir, load_model(args.model_dir), args.decode_dir,
                              acoustic_scale=args.acoustic_scale, beam=args.beam, max_active=args.max_active,
                              lattice_beam=args.lattice_beam, num_jobs=args.nj)
    scores = f", %WER {summary.wer:.2f}, %SER {summary.ser:.2f}" if summary.wer is not None else ""
    print(f"{args.decode_dir}: decoded {summary.utterances} utterances in {summary.seconds:.1f} s{scores}")


if __name__ == "__main__":
    main()
