"""Keyword-spotting metrics: isolated-keyword accuracy, false rejects against false alarms per hour, DET plot.

Counting on continuous streams: a detection of keyword ``k`` at time ``t``
is a hit if a true occurrence of ``k`` that is not yet hit spans
``start - collar_before <= t <= end + collar_after``; every other detection
(a wrong keyword, nothing spoken, or a second detection of an occurrence
already hit) is a false alarm. The false-reject rate is the share of true
occurrences without a hit; false alarms per hour divide by the streams'
total duration. "FRR at x FA/h" is the lowest FRR among the thresholds
whose FA/h is at most ``x``; a curve on a threshold grid is refined where
it crosses ``x`` (``refine_at``), so that the figure does not depend on the
grid's step.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cgs_asr.data.ctm import WordTime


@dataclass(frozen=True)
class Counts:
    hits: int
    false_alarms: int
    occurrences: int
    hours: float

    @property
    def frr(self) -> float:
        """Percent of occurrences missed."""
        return 100.0 * (self.occurrences - self.hits) / self.occurrences if self.occurrences else 0.0

    @property
    def fa_per_hour(self) -> float:
        return self.false_alarms / self.hours


@dataclass(frozen=True)
class Detection:
    keyword: str
    time: float  # seconds from the start of its stream


def match(truth: list[WordTime], found: list[Detection], collar_before: float = 0.2,
          collar_after: float = 0.5) -> tuple[int, int, list[tuple[WordTime, Detection]]]:
    """(hits, false alarms, (occurrence, detection) pairs) of one stream; detections in time order."""
    hit: set[int] = set()
    pairs = []
    false_alarms = 0
    for d in sorted(found, key=lambda d: d.time):
        for i, w in enumerate(truth):
            if i not in hit and w.word == d.keyword and w.start - collar_before <= d.time <= w.end + collar_after:
                hit.add(i)
                pairs.append((w, d))
                break
        else:
            false_alarms += 1
    return len(hit), false_alarms, pairs


def frr_at(curve: list[dict], fa_per_hour: float) -> float | None:
    """The lowest FRR (percent) among curve points with at most ``fa_per_hour``; None if there is none."""
    points = [p["frr"] for p in curve if p["fa_per_hour"] <= fa_per_hour]
    return min(points) if points else None


def operating_point(curve: list[dict], fa_per_hour: float) -> dict | None:
    """The curve point giving ``frr_at(curve, fa_per_hour)`` with the lowest threshold."""
    best = frr_at(curve, fa_per_hour)
    if best is None:
        return None
    return min((p for p in curve if p["fa_per_hour"] <= fa_per_hour and p["frr"] == best),
               key=lambda p: p["threshold"])


def refine_at(curve: list[dict], fa_per_hour: float, evaluate: Callable[[float], dict],
              values: np.ndarray) -> list[dict]:
    """Curve points that pin down the lowest threshold at ``fa_per_hour`` between two of ``curve``'s.

    Detections, and so all counts, change only where the threshold passes a
    confidence value, so the thresholds worth trying are the distinct
    ``values`` between the curve's operating point and its next lower
    threshold. Bisecting them takes log2(n) calls of ``evaluate`` (threshold
    -> curve point) and finds the lowest one at the rate, exactly so when
    false alarms do not grow with the threshold (a dip in the confidence can
    split one detection into two, rarely).
    """
    point = operating_point(curve, fa_per_hour)
    if point is None:
        return []
    below = [p["threshold"] for p in curve if p["threshold"] < point["threshold"]]
    if not below:
        return []
    low, high = max(below), point["threshold"]
    candidates = np.unique(values[(values > low) & (values < high)])
    added = []
    lo, hi = 0, len(candidates)  # candidates[hi:] (and ``high``) are at the rate; candidates[:lo] are not
    while lo < hi:
        mid = (lo + hi) // 2
        added.append(evaluate(float(candidates[mid])))
        if added[-1]["fa_per_hour"] <= fa_per_hour:
            hi = mid
        else:
            lo = mid + 1
    return added


def isolated_accuracy(scores: dict[str, np.ndarray], labels: dict[str, int]) -> float:
    """Percent of utterances whose highest-scoring class (argmax of ``scores[utt]``) is ``labels[utt]``."""
    if not labels:
        raise ValueError("no isolated keywords to score")
    return 100.0 * sum(int(np.argmax(scores[u]) == k) for u, k in labels.items()) / len(labels)


def plot_det(curves: dict[str, list[dict]], path, marks: tuple[float, ...] = (0.5, 1.0)) -> None:
    """DET-style plot: false-reject rate against false alarms per hour, one line per system, to PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, curve in curves.items():
        # The curve as the FRR-at-x figures read it: the lowest FRR at or below each FA rate.
        points = sorted((p["fa_per_hour"], p["frr"]) for p in curve)
        frr = np.minimum.accumulate([y for _, y in points])
        ax.step([max(x, 1e-2) for x, _ in points], frr, where="post", label=name)
    for x in marks:
        ax.axvline(x, color="grey", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("false alarms per hour (0 drawn at 0.01)")
    ax.set_ylabel("false-reject rate (%)")
    ax.set_title("Keyword detection on the continuous test streams")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
