"""Build the decoding graph HCLG for a GMM-HMM (Kaldi's utils/mkgraph.sh).

Reads <lang-dir>/L_disambig.fst and G.fst (or --grammar) and the model's tree
and transition model; writes <graph-dir>/HCLG.fst, words.txt, phones.txt,
phones/, disambig_tid.int and num_pdfs.
"""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.gmm.steps import make_graph_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grammar", help="G.fst to use instead of <lang-dir>/G.fst")
    parser.add_argument("lang_dir")
    parser.add_argument("model_dir", help="holds final.npz and final.json")
    parser.add_argument("graph_dir")
    args = parser.parse_args(argv)
    make_graph_dir(args.lang_dir, args.model_dir, args.graph_dir, args.grammar)
    print(f"{args.graph_dir}: HCLG.fst written")


if __name__ == "__main__":
    main()
