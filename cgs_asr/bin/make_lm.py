"""Train an n-gram LM (interpolated modified Kneser-Ney) on a training text; write lm.arpa and G.fst."""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import read_table
from cgs_asr.lang.files import write_fst
from cgs_asr.lang.grammar import arpa_to_grammar_fst
from cgs_asr.lang.ngram import perplexity, train_kneser_ney, write_arpa
from cgs_asr.lang.prepare import Lang


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--order", type=int, default=3)
    parser.add_argument("--eval-text", action="append", default=[],
                        help="Kaldi text file to report perplexity on (repeatable)")
    parser.add_argument("text", help="Kaldi text file to train on")
    parser.add_argument("lang_dir", help="lang dir whose words.txt G uses; lm.arpa and G.fst go here")
    args = parser.parse_args(argv)
    lang = Lang.load(args.lang_dir)
    sentences = [s.split() for s in read_table(args.text).values()]
    vocab = [w for w in lang.words if not w.startswith(("#", "<eps>", "<s>", "</s>"))]
    lm = train_kneser_ney(sentences, order=args.order, vocab=vocab)
    write_arpa(lang.dir / "lm.arpa", lm)
    write_fst(arpa_to_grammar_fst(lang.dir / "lm.arpa", lang.dir / "words.txt"), lang.dir / "G.fst")
    for path in [args.text, *args.eval_text]:
        ppl = perplexity(lm, [s.split() for s in read_table(path).values()])
        print(f"{path}: {ppl}".replace("\n", "; "))


if __name__ == "__main__":
    main()
