"""Continuous keyword-spotting test streams: a data dir's utterances joined by silence and noise gaps.

    cgs-make-kws-streams [--filler-data DIR ...] KWS_DATA WORD_TIMES.ctm OUT_DATA WAV_DIR

One stream per speaker of KWS_DATA, from its utterances that have word
times in WORD_TIMES.ctm (e.g. cgs-kws-labels' word_times.ctm) and the
keyword-free utterances of the same speakers in each --filler-data dir.
Writes OUT_DATA (wav.scp, text, utt2spk, spk2utt, utt2dur, keywords.ctm with
the true keyword times, streams.json) and the stream wav files in WAV_DIR.
"""
import argparse
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.data.ctm import read_ctm
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.data.kws_streams import StreamConfig, build_streams


@program
def main(argv):
    defaults = StreamConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filler-data", type=Path, action="append", default=[],
                        help="a data dir whose keyword-free utterances of the same speakers are added")
    parser.add_argument("--gap", type=float, nargs=2, default=defaults.gap_range, metavar=("MIN", "MAX"),
                        help="gap before every utterance, seconds (uniform)")
    parser.add_argument("--noise-prob", type=float, default=defaults.noise_prob,
                        help="share of gaps filled with noise (the others with near-silence)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("kws_data", type=Path)
    parser.add_argument("word_times", type=Path)
    parser.add_argument("out_data", type=Path)
    parser.add_argument("wav_dir", type=Path)
    args = parser.parse_args(argv)
    config = StreamConfig(gap_range=tuple(args.gap), noise_prob=args.noise_prob, seed=args.seed)
    summary = build_streams(load_data_dir(args.kws_data), read_ctm(args.word_times),
                            [load_data_dir(d) for d in args.filler_data], args.out_data, args.wav_dir, config)
    print(f"{args.out_data}: {summary['streams']} streams, {summary['hours']:.2f} h "
          f"({summary['speech_hours']:.2f} h of speech), {summary['keyword_occurrences']} keyword occurrences")


if __name__ == "__main__":
    main()
