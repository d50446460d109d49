"""Import a Kaldi data dir's features and, optionally, its pdf alignments, for cgs-train-dnn.

Copies the Kaldi data dir (feats.scp, cmvn.scp and the usual tables; ark paths
made absolute against --root, the directory Kaldi's scripts ran in) to
OUT_DATA. With --pdf-ali, the pdf alignment arks (as ali-to-pdf writes them:
binary or text, .gz or not, one or many) are merged into
<ali-dir>/ali.pdf.ark with <ali-dir>/num_pdfs and import.json; the number of
pdfs comes from --num-pdfs or from Kaldi's binary tree file (--tree).
"""
import argparse
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.nnet.kaldi_import import import_data_dir, import_pdf_alignments, num_pdfs_from_tree


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="where relative ark paths in the scp files start (default: the current dir)")
    parser.add_argument("--pdf-ali", type=Path, nargs="+", default=[], help="pdf alignment arks from ali-to-pdf")
    parser.add_argument("--ali-dir", type=Path, help="where the merged alignment goes (with --pdf-ali)")
    pdfs = parser.add_mutually_exclusive_group()
    pdfs.add_argument("--num-pdfs", type=int, help="as 'hmm-info final.mdl' or 'tree-info tree' print it")
    pdfs.add_argument("--tree", type=Path, help="Kaldi's tree file (e.g. exp/tri3_ali/tree)")
    parser.add_argument("kaldi_data", type=Path, help="a Kaldi data dir with feats.scp and cmvn.scp")
    parser.add_argument("out_data", type=Path)
    args = parser.parse_args(argv)
    if args.pdf_ali and (args.ali_dir is None or (args.num_pdfs is None and args.tree is None)):
        parser.error("--pdf-ali needs --ali-dir and one of --num-pdfs, --tree")
    data = import_data_dir(args.kaldi_data, args.out_data, args.root)
    print(f"{args.out_data}: {len(data.utts)} utterances")
    if args.pdf_ali:
        num_pdfs = args.num_pdfs if args.tree is None else num_pdfs_from_tree(args.tree)
        if num_pdfs < 1:
            raise ValueError(f"the number of pdfs must be positive, not {num_pdfs}")
        summary = import_pdf_alignments(args.pdf_ali, data, num_pdfs, args.ali_dir)
        print(f"{args.ali_dir}: {summary['aligned']} utterances aligned ({summary['frames']} frames, "
              f"{summary['unaligned']} without alignment), {num_pdfs} pdfs")


if __name__ == "__main__":
    main()
