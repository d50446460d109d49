"""Feature extraction for a data dir with kaldi-native-fbank, split over jobs.

Writes ``<feat_dir>/raw_<kind>_<name>.<job>.{ark,scp}`` and the data dir's
``feats.scp`` and ``utt2num_frames``, as Kaldi's steps/make_fbank.sh does.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import kaldi_native_fbank as knf
import numpy as np
from tqdm import tqdm

from cgs_asr.data.ark import ArkWriter
from cgs_asr.data.audio import read_audio
from cgs_asr.data.datadir import load_data_dir, split_data_dir, write_table
from cgs_asr.parallel import fork_map


class FeatureError(ValueError):
    pass


def num_frames(num_samples: int, opts) -> int:
    """Kaldi's frame count rule (feature-window.cc NumFrames)."""
    frame = opts.frame_opts
    shift = int(frame.samp_freq * 0.001 * frame.frame_shift_ms)
    length = int(frame.samp_freq * 0.001 * frame.frame_length_ms)
    if frame.snip_edges:
        return 0 if num_samples < length else 1 + (num_samples - length) // shift
    return (num_samples + shift // 2) // shift


def compute_features(samples: np.ndarray, opts) -> np.ndarray:
    """Features of one waveform (16-bit scale, at ``opts``' sample rate): frames x dim float32."""
    extractor = knf.OnlineFbank(opts) if isinstance(opts, knf.FbankOptions) else knf.OnlineMfcc(opts)
    extractor.accept_waveform(opts.frame_opts.samp_freq, samples)
    extractor.input_finished()
    frames = [extractor.get_frame(i) for i in range(extractor.num_frames_ready)]
    return np.array(frames, dtype=np.float32).reshape(len(frames), extractor.dim)


def _extract_job(args) -> tuple[dict[str, str], dict[str, int]]:
    data_path, opts_kind, opts_dict, ark, allow_commands, position = args
    opts = (knf.FbankOptions if opts_kind == "fbank" else knf.MfccOptions).from_dict(opts_dict)
    part = load_data_dir(data_path)
    lengths = {}
    with ArkWriter(ark, ark.with_suffix(".scp")) as writer:
        for utt in tqdm(part.utts, desc=f"features {ark.stem}", position=position, leave=False, disable=None):
            where = f"{part.path / 'wav.scp'}: '{utt}'"
            try:
                samples = read_audio(part.wav_scp[utt], int(opts.frame_opts.samp_freq), allow_commands, where)
            except (OSError, RuntimeError, ValueError) as e:
                raise FeatureError(f"{where}: {e}") from None
            feats = compute_features(samples, opts)
            if len(feats) == 0:
                raise FeatureError(f"{where}: too short for one frame ({len(samples)} samples)")
            writer.write(utt, feats)
            lengths[utt] = len(feats)
    return writer.scp, lengths


def make_features(data_path: Path, kind: str, opts, feat_dir: Path, num_jobs: int = 1,
                  allow_commands: bool = False, map_parts: Callable = fork_map) -> int:
    """Extract features for every utterance; return the number of frames.

    ``map_parts`` runs the per-split jobs (forked here, or :meth:`cgs_asr.jobs.Jobs.map`).
    """
    data = load_data_dir(data_path)
    feat_dir = Path(feat_dir).resolve()
    feat_dir.mkdir(parents=True, exist_ok=True)
    parts = split_data_dir(data, num_jobs, per_utt=True) if num_jobs > 1 else [data.path]
    name = data.path.name
    jobs = [(p, kind, opts.as_dict(), feat_dir / f"raw_{kind}_{name}.{j + 1}.ark", allow_commands, j)
            for j, p in enumerate(parts)]
    results = map_parts(_extract_job, jobs)
    scp = {k: v for r in results for k, v in r[0].items()}
    lengths = {k: str(v) for r in results for k, v in r[1].items()}
    write_table(data.path / "utt2num_frames", lengths)
    write_table(data.path / "feats.scp", scp)  # last: its presence means features are complete
    return sum(int(v) for v in lengths.values())

