"""The decoding graph HCLG, built as Kaldi's utils/mkgraph.sh builds it.

1. LG  = L_disambig o G -> determinize* (log semiring) -> minimize (encoded)
2. CLG = C o LG by compose_context (context width and centre from the tree)
3. Ha  = the HMM-state transducer for CLG's context windows (no self-loops)
4. HCLGa = Ha o CLG -> determinize* (log) -> disambiguation transition-ids
   set to epsilon -> epsilon removal -> minimize (encoded)
5. HCLG = HCLGa with self-loops added (kaldi-hmm-gmm's add_self_loops,
   self-loop scale 0.1, reordered as Kaldi does)

Kaldi's fstpushspecial on LG has no binding and is left out: it moves
weight toward the start, which helps beam pruning a little, but changes the
weight of no complete path. Graph input labels are transition-ids, output
labels word ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cgs_asr.kaldi import khg, kaldifst
from cgs_asr.lang.files import atomic_write_text, write_fst, write_lines, write_symbol_table
from cgs_asr.lang.prepare import Lang


@dataclass
class DecodingGraph:
    """HCLG with what was learned building it: Kaldi's ilabels and disambiguation transition-ids."""

    hclg: kaldifst.StdVectorFst
    ilabel_info: list[list[int]]
    disambig_tids: list[int]


def _determinize_star(fst: kaldifst.StdVectorFst, what: str) -> None:
    if kaldifst.determinize_star(fst, use_log=True):
        raise RuntimeError(f"determinization of {what} stopped early (max states reached)")


def compose_lg(l_disambig: kaldifst.StdVectorFst, g: kaldifst.StdVectorFst) -> kaldifst.StdVectorFst:
    """min(det(L_disambig o G)), arc-sorted by input label; L must be arc-sorted by output label."""
    lg = kaldifst.compose(l_disambig, g)
    _determinize_star(lg, "L o G")
    kaldifst.minimize_encoded(lg)
    kaldifst.arcsort(lg, sort_type="ilabel")
    return lg


def _remove_input_symbols(fst: kaldifst.StdVectorFst, labels: list[int],
                          num_labels: int) -> kaldifst.StdVectorFst:
    """``fst`` with the input ``labels`` turned into epsilons (Kaldi's fstrmsymbols).

    Done in C++ as a composition with a one-state transducer that reads
    nothing where ``fst`` reads a removed label and copies every other label
    in 1..num_labels: about 1 s for a 2.5 M-arc graph, where rebuilding the
    arcs in Python took over 20 s.
    """
    removed = set(labels)
    mapper = kaldifst.StdVectorFst()
    state = mapper.add_state()
    mapper.start = state
    mapper.set_final(state, 0.0)
    for label in range(1, num_labels + 1):
        ilabel = 0 if label in removed else label
        mapper.add_arc(state, kaldifst.StdArc(ilabel, label, 0.0, state))
    kaldifst.arcsort(mapper, sort_type="olabel")
    return kaldifst.compose(mapper, fst)


def make_hclg(lang: Lang, g: kaldifst.StdVectorFst, trans_model: khg.TransitionModel,
              ctx_dep: khg.ContextDependency, self_loop_scale: float = 0.1,
              transition_scale: float = 1.0) -> DecodingGraph:
    """Build HCLG for grammar ``g`` over ``lang``'s L_disambig and the given HMM and tree."""
    lg = compose_lg(lang.lexicon_fst(disambig=True), g)
    clg, ilabel_info = kaldifst.compose_context(
        disambig_syms=lang.disambig_phone_ids,
        context_width=ctx_dep.context_width,
        central_position=ctx_dep.central_position,
        ifst=lg,
    )
    kaldifst.arcsort(clg, sort_type="ilabel")
    ha, disambig_tids = khg.get_h_transducer(
        ilabel_info=ilabel_info, ctx_dep=ctx_dep, trans_model=trans_model,
        config=khg.HTransducerConfig(transition_scale=transition_scale),
    )
    hclga = kaldifst.compose(ha, clg)
    _determinize_star(hclga, "Ha o CLG")
    num_labels = max([trans_model.num_transition_ids, *disambig_tids])
    hclga = _remove_input_symbols(hclga, disambig_tids, num_labels)
    kaldifst.rmepsilon(hclga)
    kaldifst.minimize_encoded(hclga)
    hclg = khg.add_self_loops(self_loop_scale=self_loop_scale, disambig_syms=[], reorder=True,
                              trans_model=trans_model, ifst=hclga)
    return DecodingGraph(hclg, ilabel_info, list(disambig_tids))


def write_graph_dir(graph_dir: str | Path, graph: DecodingGraph, lang: Lang,
                    trans_model: khg.TransitionModel) -> None:
    """Kaldi's graph dir: HCLG.fst, words.txt, phones.txt, phones/ lists, disambig_tid.int, num_pdfs."""
    graph_dir = Path(graph_dir)
    write_fst(graph.hclg, graph_dir / "HCLG.fst")
    write_symbol_table(graph_dir / "words.txt", lang.words)
    write_symbol_table(graph_dir / "phones.txt", lang.phones)
    write_lines(graph_dir / "disambig_tid.int", graph.disambig_tids)
    write_lines(graph_dir / "num_pdfs", [trans_model.num_pdfs])
    for name in ("disambig", "silence", "optional_silence"):
        for ext in ("txt", "int", "csl"):
            src = lang.dir / "phones" / f"{name}.{ext}"
            atomic_write_text(graph_dir / "phones" / src.name, src.read_text(encoding="utf-8"))
