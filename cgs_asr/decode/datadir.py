"""Decode a whole data dir through HCLG and score it (Kaldi's decode.sh + score.sh, best path).

The acoustic model enters as a function ``utt -> frames x pdfs
log-likelihoods`` (a GMM, the float DNN or the fixed-point emulator), so
every model shares this one loop. With several acoustic scales (the LM-weight
sweep) each utterance's log-likelihoods are computed once and decoded once per
scale; the scale with the lowest WER is kept (or the only one given).

Files in ``decode_dir``: ``text`` (hypotheses at the kept scale), ``wer``,
``per_utt`` and ``per_spk`` (Kaldi's compute-wer lines, per-utterance alignment
and per-speaker table, when the data dir has references), ``wer_<scale>`` for every scale tried, and
``decode.json`` (settings, figures, the sweep, time and real-time factor).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from cgs_asr.data.datadir import DataDir
from cgs_asr.decode.wfst import WfstDecoder
from cgs_asr.parallel import fork_map, single_threaded_blas, split_evenly
from cgs_asr.lang.files import atomic_write_text
from cgs_asr.score.wer import compute_errors, format_summary, per_spk_details, per_utt_details

FRAME_SHIFT_S = 0.01


@dataclass(frozen=True)
class DecodeResult:
    utterances: int
    failed: list[str]            # utterances with no hypothesis at all
    frames: int
    seconds: float               # wall-clock, log-likelihoods and search, all jobs
    acoustic_scale: float        # the one kept
    wer: float | None            # at the kept scale, when the data dir has references
    ser: float | None
    sweep: dict[str, dict]       # scale -> {"wer", "ser"} for every scale tried

    @property
    def real_time_factor(self) -> float:
        return self.seconds / max(self.frames * FRAME_SHIFT_S, 1e-9)


def decode_data_dir(decoder: WfstDecoder, data: DataDir, loglikes: Callable[[str], np.ndarray],
                    decode_dir: str | Path, acoustic_scales: Sequence[float] = (0.1,), num_jobs: int = 1,
                    progress: bool = True, settings: dict | None = None,
                    map_parts: Callable = fork_map) -> DecodeResult:
    """Decode every utterance at every scale in jobs; write and return the results.

    ``map_parts`` runs the jobs (forked here, or :meth:`cgs_asr.jobs.Jobs.map`).
    """
    start = time.perf_counter()
    decode_dir = Path(decode_dir)

    def decode_part(part):
        position, utts = part
        out = []
        for utt in tqdm(utts, desc=f"decode {position + 1}", position=position, leave=False,
                        disable=None if progress else True):
            ll = loglikes(utt)
            hyps = []
            for scale in acoustic_scales:
                decoder.acoustic_scale = scale
                hyp = decoder.decode(ll, utt)
                hyps.append((hyp.words, hyp.ok))
            out.append((utt, len(ll), hyps))
        return out

    with single_threaded_blas():
        parts = map_parts(decode_part, list(enumerate(split_evenly(data.utts, num_jobs))))
    results = [r for part in parts for r in part]
    seconds = time.perf_counter() - start

    decode_dir.mkdir(parents=True, exist_ok=True)
    refs = {u: t.split() for u, t in data.text.items()} if "text" in data.tables else None
    sweep, best = {}, 0
    for k, scale in enumerate(acoustic_scales):
        if refs is None:
            break
        errors = compute_errors(refs, {utt: hyps[k][0] for utt, _, hyps in results})
        atomic_write_text(decode_dir / f"wer_{scale:g}", format_summary(errors))
        sweep[f"{scale:g}"] = {"wer": errors.wer, "ser": errors.ser}
        if errors.wer < sweep[f"{acoustic_scales[best]:g}"]["wer"]:
            best = k
    hyps = {utt: hyps[best][0] for utt, _, hyps in results}
    atomic_write_text(decode_dir / "text", "".join(" ".join([utt, *words]) + "\n" for utt, words in hyps.items()))
    wer = ser = None
    if refs is not None:
        errors = compute_errors(refs, hyps)
        atomic_write_text(decode_dir / "wer", format_summary(errors))
        atomic_write_text(decode_dir / "per_utt", per_utt_details(errors))
        atomic_write_text(decode_dir / "per_spk", per_spk_details(errors, data.utt2spk))
        wer, ser = errors.wer, errors.ser
    result = DecodeResult(len(results), [utt for utt, _, h in results if not h[best][1]],
                          sum(n for _, n, _ in results), seconds, acoustic_scales[best], wer, ser, sweep)
    atomic_write_text(decode_dir / "decode.json", json.dumps({
        "data_dir": str(data.path), **(settings or {}), **asdict(result),
        "real_time_factor": result.real_time_factor}, indent=1) + "\n")
    return result
