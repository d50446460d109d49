"""Feature options named as in Kaldi (``conf/fbank.conf``, ``conf/mfcc.conf``).

A config file holds lines like ``--num-mel-bins=40``; ``#`` starts a comment.
Each Kaldi option maps to a field of kaldi-native-fbank's option objects, so a
config written for Kaldi's compute-fbank-feats gives the same features here.
An option we do not know is an error naming the file and line, not ignored.
"""
from __future__ import annotations

from pathlib import Path

import kaldi_native_fbank as knf

# Kaldi option -> (object path inside FbankOptions/MfccOptions, type)
_FRAME = {
    "sample-frequency": ("frame_opts.samp_freq", float),
    "frame-shift": ("frame_opts.frame_shift_ms", float),
    "frame-length": ("frame_opts.frame_length_ms", float),
    "dither": ("frame_opts.dither", float),
    "preemphasis-coefficient": ("frame_opts.preemph_coeff", float),
    "remove-dc-offset": ("frame_opts.remove_dc_offset", "bool"),
    "window-type": ("frame_opts.window_type", str),
    "round-to-power-of-two": ("frame_opts.round_to_power_of_two", "bool"),
    "blackman-coeff": ("frame_opts.blackman_coeff", float),
    "snip-edges": ("frame_opts.snip_edges", "bool"),
    "num-mel-bins": ("mel_opts.num_bins", int),
    "low-freq": ("mel_opts.low_freq", float),
    "high-freq": ("mel_opts.high_freq", float),
    "vtln-low": ("mel_opts.vtln_low", float),
    "vtln-high": ("mel_opts.vtln_high", float),
    "use-energy": ("use_energy", "bool"),
    "raw-energy": ("raw_energy", "bool"),
    "energy-floor": ("energy_floor", float),
    "htk-compat": ("htk_compat", "bool"),
}
OPTIONS = {
    "fbank": {**_FRAME, "use-log-fbank": ("use_log_fbank", "bool"), "use-power": ("use_power", "bool")},
    "mfcc": {**_FRAME, "num-ceps": ("num_ceps", int), "cepstral-lifter": ("cepstral_lifter", float)},
}
# Kaldi's defaults where kaldi-native-fbank's differ: Kaldi dithers with 1.0 and
# computes 23 mel bins for MFCC; we keep Kaldi's so that a config means the same.
KALDI_DEFAULTS = {"fbank": {"dither": "1.0"}, "mfcc": {"dither": "1.0", "num-mel-bins": "23"}}


class FeatureConfigError(ValueError):
    pass


def _parse_bool(text: str) -> bool:
    if text.lower() in ("true", "1"):
        return True
    if text.lower() in ("false", "0"):
        return False
    raise ValueError(f"'{text}' is not true or false")


def feature_options(kind: str, settings: dict[str, str], where: str = "") -> knf.FbankOptions | knf.MfccOptions:
    """Build kaldi-native-fbank options from Kaldi option names and string values."""
    if kind not in OPTIONS:
        raise FeatureConfigError(f"unknown feature type '{kind}' (fbank or mfcc)")
    opts = knf.FbankOptions() if kind == "fbank" else knf.MfccOptions()
    for name, text in {**KALDI_DEFAULTS[kind], **settings}.items():
        if name not in OPTIONS[kind]:
            raise FeatureConfigError(f"{where or 'options'}: unknown {kind} option --{name}")
        target, kind_of = OPTIONS[kind][name]
        try:
            value = _parse_bool(text) if kind_of == "bool" else kind_of(text)
        except ValueError as e:
            raise FeatureConfigError(f"{where or 'options'}: --{name}={text}: {e}") from None
        *parents, attr = target.split(".")
        obj = opts
        for p in parents:
            obj = getattr(obj, p)
        setattr(obj, attr, value)
    return opts


def read_config(path: Path) -> dict[str, str]:
    """Read ``--name=value`` lines of a Kaldi config file."""
    settings = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if not line.startswith("--") or "=" not in line:
            raise FeatureConfigError(f"{path}:{lineno}: expected --name=value, got '{line}'")
        name, value = line[2:].split("=", 1)
        settings[name] = value
    return settings


def options_from_config(kind: str, path: Path) -> knf.FbankOptions | knf.MfccOptions:
    return feature_options(kind, read_config(path), where=str(path))
