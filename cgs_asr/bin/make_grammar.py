"""Write a task grammar G.fst over words of a lang dir: one word per utterance, or a word loop."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.lang.files import write_fst
from cgs_asr.lang.grammar import word_list_grammar, word_loop_grammar
from cgs_asr.lang.prepare import Lang


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=["list", "loop"], default="list",
                        help="list: exactly one of the words; loop: one or more")
    parser.add_argument("--words", required=True, help="space-separated words, all in the lang's words.txt")
    parser.add_argument("lang_dir")
    parser.add_argument("out_fst")
    args = parser.parse_args(argv)
    lang = Lang.load(args.lang_dir)
    words = args.words.split()
    missing = [w for w in words if w not in lang.words]
    if missing:
        raise ValueError(f"{lang.dir / 'words.txt'}: no word(s) {', '.join(missing)}")
    make = word_list_grammar if args.kind == "list" else word_loop_grammar
    write_fst(make([lang.words[w] for w in words]), args.out_fst)


if __name__ == "__main__":
    main()
