"""Score a keyword-spotting DNN: isolated-keyword accuracy, and FRR / false alarms per hour on streams.

    cgs-kws-eval [--kernel float|fixed] MODEL_DIR ISOLATED_DATA STREAM_DATA OUT_DIR

ISOLATED_DATA: its utterances whose text is one keyword are classified by
the highest detector confidence (cgs_asr.decode.kws) over the utterance.
STREAM_DATA: continuous streams with keywords.ctm (cgs-make-kws-streams);
detections at every threshold of a grid, refined where the curve crosses
0.5 and 1 FA/h, give the DET curve. Writes
OUT_DIR/kws.json (accuracy, frr_at_1fa_per_hour, frr_at_0.5fa_per_hour, the
operating points with their latency, the curve, settings), isolated.txt
(per isolated keyword: utterance, keyword, the detector's choice and its
confidence), detections.ctm at the 1 FA/h operating point, and
hw_report.{json,txt} (memory, MACs and, for the fixed-point engine, power).
"""
import argparse
import json
import logging
from pathlib import Path

import numpy as np

from cgs_asr.atomic import atomic_write_text
from cgs_asr.bin.common import program
from cgs_asr.data.ctm import WordTime, read_ctm, write_ctm
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.data.text.keywords import KEYWORDS
from cgs_asr.decode.kws import DetectorConfig, confidence, detections, posteriors
from cgs_asr.decode.models import KERNELS
from cgs_asr.nnet.compression import emulated_model, hardware_report, load_acoustic_model
from cgs_asr.nnet.dataset import model_inputs
from cgs_asr.nnet.kws_targets import FRAME_SHIFT, LABELS
from cgs_asr.score.kws import Counts, Detection, frr_at, isolated_accuracy, match, operating_point, refine_at

log = logging.getLogger("kws_eval")
# Thresholds: coarse over (0, 1), dense towards 1 where the low false-alarm rates are.
THRESHOLDS = np.unique(np.round(np.concatenate([np.linspace(0.05, 0.95, 19), 1 - np.logspace(-5, -1.3, 60)]), 7))
FA_RATES = (0.5, 1.0)


def _confidences(model, data_path: Path, config: DetectorConfig) -> dict[str, np.ndarray]:
    utterances = model_inputs(data_path, model.config)
    return {utt: confidence(posteriors(model, feats), config) for utt, feats in utterances}


def _stream_detections(conf: dict[str, np.ndarray], threshold: float) -> dict[str, list[Detection]]:
    found = {}
    for stream, c in conf.items():
        frames, keywords = detections(c, threshold)
        found[stream] = [Detection(KEYWORDS[k], f * FRAME_SHIFT) for f, k in zip(frames, keywords)]
    return found


@program
def main(argv):
    defaults = DetectorConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", choices=KERNELS, default="float",
                        help="float (torch) or fixed (the bit-exact engine emulator, quantized models)")
    parser.add_argument("--w-smooth", type=int, default=defaults.w_smooth, help="posterior smoothing window, frames")
    parser.add_argument("--w-max", type=int, default=defaults.w_max, help="confidence window, frames")
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("isolated_data", type=Path)
    parser.add_argument("stream_data", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    config = DetectorConfig(args.w_smooth, args.w_max)
    model = load_acoustic_model(args.model_dir)
    if model.config.num_pdfs != len(LABELS):
        raise ValueError(f"{args.model_dir}: {model.config.num_pdfs} outputs, a KWS network has {len(LABELS)}")
    if args.kernel == "fixed":
        model = emulated_model(model)

    isolated = load_data_dir(args.isolated_data)
    targets = {u: KEYWORDS.index(t.strip()) for u, t in isolated.text.items() if t.strip() in KEYWORDS}
    if targets:
        scores = {u: c.max(axis=0) for u, c in _confidences(model, isolated.path, config).items() if u in targets}
        accuracy = isolated_accuracy(scores, targets)
        choices = [f"{u} {KEYWORDS[k]} {KEYWORDS[int(np.argmax(scores[u]))]} {scores[u].max():.4f}\n"
                   for u, k in sorted(targets.items())]
    else:
        log.warning("%s: no utterance is a single keyword, no accuracy", isolated.path / "text")
        accuracy, choices = None, []

    streams = load_data_dir(args.stream_data)
    truth = read_ctm(args.stream_data / "keywords.ctm")
    hours = sum(float(streams.tables["utt2dur"][s]) for s in streams.utts) / 3600
    occurrences = sum(len(truth.get(s, [])) for s in streams.utts)
    conf = _confidences(model, streams.path, config)

    def curve_point(threshold: float) -> dict:
        found = _stream_detections(conf, threshold)
        hits = fas = 0
        for stream in streams.utts:
            h, f, _ = match(truth.get(stream, []), found[stream])
            hits, fas = hits + h, fas + f
        counts = Counts(hits, fas, occurrences, hours)
        return {"threshold": float(threshold), "frr": counts.frr, "fa_per_hour": counts.fa_per_hour,
                "hits": hits, "false_alarms": fas}

    curve = [curve_point(threshold) for threshold in THRESHOLDS]
    values = np.concatenate([c.ravel() for c in conf.values()])
    for rate in FA_RATES:
        curve += refine_at(curve, rate, curve_point, values)
    curve = sorted({p["threshold"]: p for p in curve}.values(), key=lambda p: p["threshold"])

    # Latency: from the end of the spoken keyword to when the detection is known, i.e. the
    # detection frame plus the network's right context (the frames it must wait for).
    lookahead = model.config.right_context * FRAME_SHIFT
    points = {}
    for rate in FA_RATES:
        point = operating_point(curve, rate)
        if point is None:
            points[str(rate)] = None
            continue
        found = _stream_detections(conf, point["threshold"])
        pairs = [p for s in streams.utts for p in match(truth.get(s, []), found[s])[2]]
        latency = np.array([d.time + FRAME_SHIFT + lookahead - w.end for w, d in pairs])
        points[str(rate)] = {**point, "latency_s": {
            "mean": float(latency.mean()) if len(latency) else None,
            "median": float(np.median(latency)) if len(latency) else None,
            "p90": float(np.percentile(latency, 90)) if len(latency) else None,
            "lookahead": lookahead}}
        if rate == 1.0:
            write_ctm(args.out_dir / "detections.ctm",
                      {s: [WordTime(d.keyword, d.time, d.time) for d in found[s]] for s in streams.utts})
    result = {"accuracy": accuracy,
              "frr_at_1fa_per_hour": frr_at(curve, 1.0), "frr_at_0.5fa_per_hour": frr_at(curve, 0.5),
              "isolated_keywords": len(targets), "stream_hours": hours, "keyword_occurrences": occurrences,
              "operating_points": points, "curve": curve,
              "settings": {"model_dir": str(args.model_dir), "kernel": args.kernel, "w_smooth": config.w_smooth,
                           "w_max": config.w_max, "isolated_data": str(args.isolated_data),
                           "stream_data": str(args.stream_data)}}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out_dir / "kws.json", json.dumps(result, indent=1) + "\n")
    atomic_write_text(args.out_dir / "isolated.txt", "".join(choices))
    report, table = hardware_report(model)
    atomic_write_text(args.out_dir / "hw_report.json", json.dumps(report, indent=1) + "\n")
    atomic_write_text(args.out_dir / "hw_report.txt", table + "\n")
    at1 = points["1.0"]
    print(f"{args.out_dir}: accuracy {_pct(accuracy)} on {len(targets)} isolated keywords; {hours:.2f} h of streams, "
          f"{occurrences} keywords: FRR {_pct(result['frr_at_0.5fa_per_hour'])} at 0.5 FA/h, "
          f"{_pct(result['frr_at_1fa_per_hour'])} at 1 FA/h"
          + (f" (median latency {1000 * at1['latency_s']['median']:.0f} ms)" if at1 and at1["latency_s"]["median"]
             is not None else ""))


def _pct(value):
    return "n/a" if value is None else f"{value:.2f} %"


if __name__ == "__main__":
    main()
