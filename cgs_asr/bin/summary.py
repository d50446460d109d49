"""Write exp/summary.json from result files and print it as a table.

    cgs-summary exp/summary.json --row asr gmm test exp/mono/decode_test/decode.json [more.json ...] ...
"""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.score.summary import format_table, make_row, write_summary


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--row", nargs="+", action="append", required=True,
                        metavar="TASK SYSTEM TEST_SET RESULT.json", help="one row and the files it takes figures from")
    parser.add_argument("--isolated-words", action="store_true",
                        help="one word per utterance: also report accuracy = 100 - %%WER")
    parser.add_argument("summary")
    args = parser.parse_args(argv)
    for spec in args.row:
        if len(spec) < 4:
            parser.error(f"--row {' '.join(spec)}: needs TASK SYSTEM TEST_SET and at least one result file")
    rows = [make_row(*spec[:3], spec[3:]) for spec in args.row]
    if args.isolated_words:
        for row in rows:
            row["accuracy"] = 100.0 - row["wer"]
    write_summary(args.summary, rows)
    print(format_table(rows))


if __name__ == "__main__":
    main()
