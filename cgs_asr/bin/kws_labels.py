"""Frame labels for keyword spotting (silence / filler / keyword) from a GMM word alignment.

    cgs-kws-labels DATA LANG ALI_DIR OUT_DIR

ALI_DIR is what cgs-align-gmm wrote for DATA (ali.ark and the model copy).
Writes OUT_DIR/labels.ark (int-vector ark, label ids as in
cgs_asr.nnet.kws_targets.LABELS), num_labels (the network's output count),
word_times.ctm (the aligned word times) and labels.json (label counts;
where DATA has the TTS word_timings.ctm, agreement of the alignment with it).
"""
import argparse
import json
import logging
from pathlib import Path

import numpy as np

from cgs_asr.atomic import atomic_write_text
from cgs_asr.bin.common import program
from cgs_asr.data.alignments import read_alignments, write_alignments
from cgs_asr.data.ctm import read_ctm, write_ctm
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.gmm.model_io import load_model
from cgs_asr.gmm.word_align import phone_segments, to_word_times, word_segments
from cgs_asr.lang.files import read_int_list
from cgs_asr.lang.lexicon import read_lexicon
from cgs_asr.lang.prepare import Lang
from cgs_asr.nnet.kws_targets import LABELS, Agreement, frame_labels

log = logging.getLogger("kws_labels")
TTS_TIMINGS = "word_timings.ctm"


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("lang_dir", type=Path)
    parser.add_argument("ali_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    data = load_data_dir(args.data_dir)
    lang = Lang.load(args.lang_dir)
    prons = {word: [tuple(lang.phone_ids(list(p))) for p in ps]
             for word, ps in read_lexicon(args.lang_dir / "lexicon.txt").prons.items()}
    silence = set(read_int_list(args.lang_dir / "phones/optional_silence.int"))
    oov = (args.lang_dir / "oov.txt").read_text(encoding="utf-8").strip()
    trans_model = load_model(args.ali_dir).trans_model
    alignments = read_alignments(args.ali_dir / "ali.ark")
    tts = read_ctm(args.data_dir / TTS_TIMINGS) if (args.data_dir / TTS_TIMINGS).is_file() else {}

    labels, times, unmatched, agreement = {}, {}, [], Agreement()
    for utt, tids in alignments.items():
        if utt not in data.text:
            raise ValueError(f"{args.ali_dir / 'ali.ark'}: utterance '{utt}' is not in {data.path / 'text'}")
        words = [w if w in prons else oov for w in data.text[utt].split()]
        segments = word_segments(phone_segments(trans_model, tids), words, prons, silence)
        if segments is None:
            unmatched.append(utt)
            continue
        times[utt] = to_word_times(segments)
        labels[utt] = frame_labels(times[utt], len(tids))
        if utt in tts:
            agreement.add(tts[utt], times[utt], len(tids))
    if not labels:
        raise ValueError(f"{args.ali_dir}: no alignment matched its transcript's pronunciations")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_alignments(args.out_dir / "labels.ark", labels)
    write_ctm(args.out_dir / "word_times.ctm", times)
    atomic_write_text(args.out_dir / "num_labels", f"{len(LABELS)}\n")
    counts = np.bincount(np.concatenate(list(labels.values())), minlength=len(LABELS))
    report = {"data_dir": str(data.path), "ali_dir": str(args.ali_dir), "labels": list(LABELS),
              "utterances": len(labels), "not_aligned": len(data.utts) - len(alignments),
              "unmatched": unmatched, "frames_per_label": dict(zip(LABELS, counts.tolist())),
              "agreement_with_tts_timings": agreement.to_dict() if agreement.utterances else None}
    atomic_write_text(args.out_dir / "labels.json", json.dumps(report, indent=1) + "\n")
    if unmatched:
        log.warning("%d aligned utterances did not match their pronunciations (e.g. '%s'); left out",
                    len(unmatched), unmatched[0])
    summary = f"{args.out_dir}: labels for {len(labels)} of {len(data.utts)} utterances"
    if agreement.utterances:
        a = report["agreement_with_tts_timings"]
        summary += (f"; against the TTS word timings of {a['utterances']} utterances: frame labels agree "
                    f"{a['frame_label_agreement_percent']:.1f} %, word boundaries median error "
                    f"{1000 * a['boundary_error_median_s']:.0f} ms, {a['boundaries_within_50ms_percent']:.1f} % "
                    f"within 50 ms")
    print(summary)


if __name__ == "__main__":
    main()
