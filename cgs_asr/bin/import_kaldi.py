"""Import features and pdf alignments from a Kaldi experiment, for cgs-train-dnn.

Copies the Kaldi data dir (feats.scp, cmvn.scp and the usual tables; ark paths
made absolute against --root, the directory Kaldi's scripts ran in) to
OUT_DATA, and merges the pdf alignment arks (as ali-to-pdf writes them:
binary or text, .gz or not, one per job) into OUT_ALI/ali.pdf.ark with
OUT_ALI/num_pdfs and import.json. The number of pdfs comes from --num-pdfs
or from Kaldi's binary tree file (--tree).
"""
import argparse
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.nnet.kaldi_import import import_data_dir, import_pdf_alignments, num_pdfs_from_tree


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    pdfs = parser.add_mutually_exclusive_group(required=True)
    pdfs.add_argument("--num-pdfs", type=int, help="as 'hmm-info final.mdl' or 'tree-info tree' print it")
    pdfs.add_argument("--tree", type=Path, help="Kaldi's tree file (e.g. exp/tri3_ali/tree)")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="where relative ark paths in the scp files start (default: the current dir)")
    parser.add_argument("kaldi_data", type=Path, help="a Kaldi data dir with feats.scp and cmvn.scp")
    parser.add_argument("out_data", type=Path)
    parser.add_argument("out_ali", type=Path)
    parser.add_argument("pdf_ali", type=Path, nargs="+", help="pdf alignment arks from ali-to-pdf")
    args = parser.parse_args(argv)
    num_pdfs = args.num_pdfs if args.tree is None else num_pdfs_from_tree(args.tree)
    if num_pdfs < 1:
        raise ValueError(f"the number of pdfs must be positive, not {num_pdfs}")
    data = import_data_dir(args.kaldi_data, args.out_data, args.root)
    summary = import_pdf_alignments(args.pdf_ali, data, num_pdfs, args.out_ali)
    print(f"{args.out_data}: {len(data.utts)} utterances; {args.out_ali}: {summary['aligned']} aligned "
          f"({summary['frames']} frames, {summary['unaligned']} without alignment), {num_pdfs} pdfs")


if __name__ == "__main__":
    main()
