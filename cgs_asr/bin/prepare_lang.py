"""Make a lang dir (lexicon from CMUdict, phones, L.fst, topology) for the words of a training text."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import read_table
from cgs_asr.lang.lexicon import make_lexicon
from cgs_asr.lang.prepare import prepare_lang
from cgs_asr.lang.subword import GraphemeSpeller


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--oov", choices=["error", "spell"], default="error",
                        help="words missing from CMUdict: stop and list them, or spell them with "
                             "grapheme units of a subword model trained on the text")
    parser.add_argument("--sil-prob", type=float, default=0.5, help="probability of optional silence between words")
    parser.add_argument("text", help="Kaldi text file (utt-id words...) whose words make the vocabulary")
    parser.add_argument("lang_dir")
    args = parser.parse_args(argv)
    sentences = list(read_table(args.text).values())
    words = sorted({w for s in sentences for w in s.split()})
    speller = GraphemeSpeller.train(sentences) if args.oov == "spell" else None
    lexicon = make_lexicon(words, speller)
    lang = prepare_lang(lexicon, args.lang_dir, sil_prob=args.sil_prob, speller=speller)
    print(f"{args.lang_dir}: {len(lexicon.prons)} words ({len(lexicon.spelled)} spelled), "
          f"{len(lang.nonsilence_phones)} non-silence phones")


if __name__ == "__main__":
    main()
