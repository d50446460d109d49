"""HMM topology text as Kaldi's prepare_lang writes it (utils/gen_topo.pl).

Non-silence phones: ``num_nonsil_states`` left-to-right emitting states,
each with self-loop 0.75 and forward 0.25. Silence phones: ``num_sil_states``
emitting states; the first can move to any of the first ``n-1`` states, the
middle ones are fully connected among states 1..n-1 (so silence of any length
is modelled well), and the last one only loops or leaves. Every state has its
own pdf class. The text is loaded with ``khg.HmmTopology().read``.
"""
from __future__ import annotations

from collections.abc import Sequence

from cgs_asr.kaldi import khg


def _state(index: int, transitions: Sequence[tuple[int, float]], pdf_class: bool = True) -> str:
    if not pdf_class:
        return f"<State> {index} </State>"
    arcs = " ".join(f"<Transition> {dest} {prob:g}" for dest, prob in transitions)
    return f"<State> {index} <PdfClass> {index} {arcs} </State>"


def _entry(phones: Sequence[int], states: list[str]) -> list[str]:
    return ["<TopologyEntry>", "<ForPhones>", " ".join(map(str, phones)), "</ForPhones>",
            *states, "</TopologyEntry>"]


def _left_to_right(num_states: int) -> list[str]:
    states = [_state(i, [(i, 0.75), (i + 1, 0.25)]) for i in range(num_states)]
    return states + [_state(num_states, [], pdf_class=False)]


def _silence(num_states: int) -> list[str]:
    if num_states == 1:
        return _left_to_right(1)
    last = num_states - 1
    transp = 1.0 / last
    states = [_state(0, [(dest, transp) for dest in range(last)])]
    states += [_state(i, [(dest, transp) for dest in range(1, num_states)]) for i in range(1, last)]
    states.append(_state(last, [(last, 0.75), (num_states, 0.25)]))
    return states + [_state(num_states, [], pdf_class=False)]


def make_topo_text(nonsil_phones: Sequence[int], sil_phones: Sequence[int],
                   num_nonsil_states: int = 3, num_sil_states: int = 5) -> str:
    if num_nonsil_states < 1 or num_sil_states < 1:
        raise ValueError("an HMM needs at least one emitting state")
    lines = ["<Topology>"]
    if nonsil_phones:
        lines += _entry(nonsil_phones, _left_to_right(num_nonsil_states))
    if sil_phones:
        lines += _entry(sil_phones, _silence(num_sil_states))
    lines.append("</Topology>")
    return "\n".join(lines) + "\n"


def load_topology(text: str) -> khg.HmmTopology:
    topo = khg.HmmTopology()
    topo.read(text)
    return topo
