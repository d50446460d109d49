"""Bootstrap confidence interval of %WER, and of the difference between two systems, as Kaldi's compute-wer-bootci.

    cgs-wer-bootci data/asr/test/text exp/dnn/decode_test/text exp/dnn_cgs75_q6/decode_test/text

With two hypothesis files (Set1, Set2) on the same references it also prints
the interval of Set2's %WER minus Set1's, the probability that Set2 is better
(the share of bootstrap replicates in which it makes fewer errors), and
McNemar's exact test on the sentences each gets entirely right.
"""
import argparse
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.score.bootci import bootstrap_wer, format_bootci, mcnemar_sentences
from cgs_asr.score.wer import score_text_files


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resamples", type=int, default=10000, help="bootstrap replicates")
    parser.add_argument("--confidence", type=float, default=0.95, help="level of the intervals")
    parser.add_argument("--seed", type=int, default=0, help="seed of the replicates")
    parser.add_argument("ref_text", type=Path, help="references: utterance id and words per line")
    parser.add_argument("hyp_text", type=Path, nargs="+", metavar="hyp_text", help="one or two hypothesis files")
    args = parser.parse_args(argv)
    if len(args.hyp_text) > 2:
        parser.error("give one or two hypothesis files")
    systems = [score_text_files(args.ref_text, hyp) for hyp in args.hyp_text]
    result = bootstrap_wer(systems, args.resamples, args.confidence, args.seed)
    print(format_bootci(result, mcnemar_sentences(*systems) if len(systems) == 2 else None), end="")


if __name__ == "__main__":
    main()
