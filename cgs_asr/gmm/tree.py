"""Phonetic decision trees for triphones (Kaldi's acc-tree-stats, cluster-phones, build-tree).

kaldi-hmm-gmm exposes no tree building, but it restores a ContextDependency
from Kaldi's binary tree format; so the tree is grown here and written in
that format (:func:`tree_bytes`).

- Statistics: every frame of a monophone alignment is an event (left phone,
  phone, right phone, pdf class) with single-Gaussian statistics (count, sum,
  sum of squares) per distinct event. Context-independent phones (silence)
  have their context set to 0, as acc-tree-stats' ``--ci-phones``, so they
  never split on context; 0 is also the context at utterance edges.
- Questions (cluster-phones): phones are clustered top-down by the
  likelihood of their pooled middle-state statistics, splitting each set in
  two by a greedy 2-means; every set of that binary tree except the root is
  a question about the left or the right phone.
- Splitting (build-tree): one root per (phone, pdf class); the leaf whose
  best question gains most likelihood is split, until ``num_leaves`` or no
  split gains ``min_gain`` (Kaldi's ``--thresh`` 300) with ``min_count``
  frames on both sides. Then, as Kaldi, leaves of one root are merged into
  one pdf while merging loses less than the smallest split gained. Roots
  shared between the pdf classes of a phone (Kaldi's "shared" roots) are
  left out: each HMM state gets its own tree.
"""
from __future__ import annotations

import heapq
import itertools
import struct
from dataclasses import dataclass

import numpy as np

from cgs_asr.kaldi import khg

VAR_FLOOR = 0.01  # on each variance, as Kaldi's GaussClusterable in build-tree
LEFT, CENTER, RIGHT = 0, 1, 2


@dataclass
class TreeStats:
    """Gaussian statistics per distinct event (left, phone, right, pdf class)."""

    events: np.ndarray  # (n, 4) int
    count: np.ndarray   # (n,)
    first: np.ndarray   # (n, dim) sum of x
    second: np.ndarray  # (n, dim) sum of x^2

    def rows(self) -> np.ndarray:
        """The statistics as one (n, 1 + 2 dim) array: count, sum, sum of squares."""
        return np.concatenate([self.count[:, None], self.first, self.second], axis=1)


def gaussian_objf(stats: np.ndarray) -> np.ndarray:
    """Log-likelihood of the data under its own ML diagonal Gaussian, for rows of (count, sum, sum sq)."""
    dim = (stats.shape[-1] - 1) // 2
    count = np.maximum(stats[..., 0], 1e-10)
    mean = stats[..., 1:dim + 1] / count[..., None]
    var = np.maximum(stats[..., dim + 1:] / count[..., None] - mean**2, VAR_FLOOR)
    objf = -0.5 * count * (np.log(var).sum(axis=-1) + dim * (1.0 + np.log(2 * np.pi)))
    return np.where(stats[..., 0] > 0, objf, 0.0)


# ---------------------------------------------------------------- statistics

def frame_events(trans_model: khg.TransitionModel, alignment: np.ndarray, ci_phones: set[int]) -> np.ndarray:
    """(frames, 4) events of one utterance's transition-id alignment.

    Alignments come from graphs with reordered self-loops, where every visit
    to an HMM state starts with the transition out of it and continues with
    its self-loops; so a phone starts at a frame of its HMM state 0 that is
    not a self-loop (Kaldi's SplitToPhones), which also separates two
    consecutive instances of one phone.
    """
    tids = np.arange(1, trans_model.num_transition_ids + 1)
    tuples = np.array([[0, 0, 0, 0]] + [t.__getstate__() for t in trans_model.tuples])
    states = tuples[np.asarray(trans_model.id2state)]  # per transition-id: phone, hmm state, pdfs
    topo = trans_model.topo
    pdf_class = np.array([0] + [topo.topology_for_phone(int(p))[int(h)].forward_pdf_class
                                for p, h, _, _ in tuples[1:]])[np.asarray(trans_model.id2state)]
    self_loop = np.array([False] + [trans_model.is_self_loop(int(t)) for t in tids])
    ali = np.asarray(alignment, dtype=np.int64)
    starts = (states[ali, 1] == 0) & ~self_loop[ali]
    starts[0] = True
    segment = np.cumsum(starts) - 1
    phones = states[ali, 0][starts]
    padded = np.concatenate([[0], phones, [0]])
    center = phones[segment]
    ci = np.isin(center, list(ci_phones))
    left = np.where(ci, 0, padded[segment])
    right = np.where(ci, 0, padded[segment + 2])
    return np.stack([left, center, right, pdf_class[ali]], axis=1)


def accumulate_tree_stats(events: np.ndarray, feats: np.ndarray) -> tuple[TreeStats, np.ndarray]:
    """Pool frames by event; also return each frame's row in the statistics."""
    unique, inverse = np.unique(events, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(unique)))
    x = feats[order].astype(np.float64)
    stats = TreeStats(unique, np.bincount(inverse, minlength=len(unique)).astype(np.float64),
                      np.add.reduceat(x, starts, axis=0), np.add.reduceat(x * x, starts, axis=0))
    return stats, inverse


# ---------------------------------------------------------------- questions

def _two_means(members: list[int], stats: dict[int, np.ndarray], iters: int = 10) -> tuple[list[int], list[int]]:
    """Split phones in two, greedily moving phones to the side that raises the total likelihood."""
    means = {p: stats[p][1:1 + (len(stats[p]) - 1) // 2] / max(stats[p][0], 1e-10) for p in members}
    a = max(members, key=lambda p: np.linalg.norm(means[p] - means[members[0]]))
    b = max(members, key=lambda p: np.linalg.norm(means[p] - means[a]))
    side = {p: int(np.linalg.norm(means[p] - means[b]) < np.linalg.norm(means[p] - means[a])) for p in members}
    side[a], side[b] = 0, 1
    for _ in range(iters):
        moved = False
        for p in members:
            totals = [sum(stats[q] for q in members if side[q] == s) for s in (0, 1)]
            here, there = side[p], 1 - side[p]
            if sum(1 for q in members if side[q] == here) == 1:
                continue
            before = gaussian_objf(totals[here]) + gaussian_objf(totals[there])
            after = gaussian_objf(totals[here] - stats[p]) + gaussian_objf(totals[there] + stats[p])
            if after > before + 1e-6:
                side[p], moved = there, True
        if not moved:
            break
    return [p for p in members if side[p] == 0], [p for p in members if side[p] == 1]


def phone_questions(stats: TreeStats, phones: list[int], num_pdf_classes: dict[int, int]) -> list[frozenset[int]]:
    """Phone sets from top-down clustering of each phone's middle-state statistics."""
    rows = stats.rows()
    pooled = {}
    for p in phones:
        middle = num_pdf_classes[p] // 2
        pooled[p] = rows[(stats.events[:, CENTER] == p) & (stats.events[:, 3] == middle)].sum(axis=0)
    seen = [p for p in phones if pooled[p][0] > 0]
    questions: list[frozenset[int]] = []
    todo = [seen]
    while todo:
        members = todo.pop()
        if len(members) < 2:
            continue
        for part in _two_means(members, pooled):
            questions.append(frozenset(part))
            todo.append(part)
    return sorted(set(questions), key=lambda q: (len(q), sorted(q)))


# ---------------------------------------------------------------- splitting

@dataclass
class Leaf:
    rows: np.ndarray  # indices into the statistics
    total: np.ndarray  # (1 + 2 dim,) pooled statistics
    pdf: int = -1      # set by assign_pdfs


@dataclass
class Split:
    position: int  # LEFT or RIGHT
    yes_set: frozenset[int]
    yes: "Leaf | Split"
    no: "Leaf | Split"


Node = Leaf | Split


class _Grower:
    def __init__(self, stats: TreeStats, questions: list[frozenset[int]], num_values: int, min_count: float):
        self.events, self.rows = stats.events, stats.rows()
        self.questions = questions
        self.membership = np.zeros((len(questions), num_values))
        for i, q in enumerate(questions):
            self.membership[i, sorted(q)] = 1.0
        self.min_count = min_count

    def leaf(self, rows: np.ndarray) -> Leaf:
        return Leaf(rows, self.rows[rows].sum(axis=0))

    def best_split(self, leaf: Leaf) -> tuple[float, int, int]:
        """(gain, position, question index) of the best allowed split; gain -inf if none."""
        best = (-np.inf, LEFT, -1)
        parent = gaussian_objf(leaf.total)
        for position in (LEFT, RIGHT):
            by_value = np.zeros((self.membership.shape[1], self.rows.shape[1]))
            np.add.at(by_value, self.events[leaf.rows, position], self.rows[leaf.rows])
            yes = self.membership @ by_value
            no = leaf.total - yes
            gain = gaussian_objf(yes) + gaussian_objf(no) - parent
            gain[(yes[:, 0] < self.min_count) | (no[:, 0] < self.min_count)] = -np.inf
            q = int(np.argmax(gain))
            if gain[q] > best[0]:
                best = (float(gain[q]), position, q)
        return best

    def split(self, leaf: Leaf, position: int, q: int) -> Split:
        question = self.questions[q]
        yes_mask = np.isin(self.events[leaf.rows, position], list(question))
        return Split(position, question, self.leaf(leaf.rows[yes_mask]), self.leaf(leaf.rows[~yes_mask]))


@dataclass
class GrownTree:
    roots: dict[tuple[int, int], Node]  # one tree per (phone, pdf class)
    smallest_gain: float                 # of the splits made (inf if none)


def grow_tree(stats: TreeStats, questions: list[frozenset[int]], num_pdf_classes: dict[int, int],
              num_leaves: int, min_count: float = 50.0, min_gain: float = 300.0) -> GrownTree:
    """Split the best leaf until ``num_leaves`` leaves or no split gains ``min_gain`` (build-tree's --thresh).

    A (phone, pdf class) without statistics gets a single empty leaf.
    """
    grower = _Grower(stats, questions, max(num_pdf_classes) + 1, min_count)
    roots: dict[tuple[int, int], Node] = {}
    for phone, n in sorted(num_pdf_classes.items()):
        for pdf_class in range(n):
            rows = np.flatnonzero((stats.events[:, CENTER] == phone) & (stats.events[:, 3] == pdf_class))
            roots[(phone, pdf_class)] = grower.leaf(rows)
    # A heap entry remembers where its leaf hangs: (roots, key) or (parent Split, "yes"/"no").
    heap: list = []
    tie = itertools.count()

    def push(leaf: Leaf, holder, slot) -> None:
        gain, position, q = grower.best_split(leaf)
        if q >= 0 and gain > min_gain:
            heapq.heappush(heap, (-gain, next(tie), leaf, position, q, holder, slot))

    for key, leaf in roots.items():
        push(leaf, roots, key)
    leaves, smallest = len(roots), np.inf
    while heap and leaves < num_leaves:
        neg_gain, _, leaf, position, q, holder, slot = heapq.heappop(heap)
        node = grower.split(leaf, position, q)
        if isinstance(holder, dict):
            holder[slot] = node
        else:
            setattr(holder, slot, node)
        leaves, smallest = leaves + 1, min(smallest, -neg_gain)
        push(node.yes, node, "yes")
        push(node.no, node, "no")
    return GrownTree(roots, smallest)


def _leaves(node: Node) -> list[Leaf]:
    """Depth first, yes before no."""
    return [node] if isinstance(node, Leaf) else _leaves(node.yes) + _leaves(node.no)


@dataclass
class Pdf:
    root: tuple[int, int]  # (phone, pdf class)
    total: np.ndarray      # pooled statistics of its leaves


def assign_pdfs(grown: GrownTree, merge_thresh: float | None = None) -> list[Pdf]:
    """Give every leaf a pdf-id, merging leaves of one root while a merge costs less than ``merge_thresh``.

    This is build-tree's final clustering (``--cluster-thresh``; None means
    the smallest gain among the splits, Kaldi's default): leaves of one root
    whose pooled Gaussian loses less likelihood than that share a pdf.
    Sets ``leaf.pdf``; returns the pdfs in id order.
    """
    thresh = grown.smallest_gain if merge_thresh is None else merge_thresh
    pdfs: list[Pdf] = []
    for key in sorted(grown.roots):
        clusters = [[leaf] for leaf in _leaves(grown.roots[key])]
        totals = [leaf.total for leaf in _leaves(grown.roots[key])]
        while len(clusters) > 1:
            stacked = np.array(totals)
            own = gaussian_objf(stacked)
            loss = own[:, None] + own[None, :] - gaussian_objf(stacked[:, None, :] + stacked[None, :, :])
            loss[np.tril_indices(len(clusters))] = np.inf
            i, j = np.unravel_index(np.argmin(loss), loss.shape)
            if not loss[i, j] < thresh:
                break
            clusters[i] += clusters.pop(j)
            totals[i] = totals[i] + totals.pop(j)
        for cluster, total in zip(clusters, totals):
            for leaf in cluster:
                leaf.pdf = len(pdfs)
            pdfs.append(Pdf(key, total))
    return pdfs


# ---------------------------------------------------------------- Kaldi's binary tree format

def _token(name: str) -> bytes:
    return name.encode() + b" "


def _int32(value: int) -> bytes:
    return b"\x04" + struct.pack("<i", value)


def _uint32(value: int) -> bytes:
    return b"\xfc" + struct.pack("<I", value)


def _int_vector(values) -> bytes:
    values = sorted(values)
    return b"\x04" + struct.pack("<i", len(values)) + struct.pack(f"<{len(values)}i", *values)


def tree_bytes(roots: dict[tuple[int, int], Node], num_pdf_classes: dict[int, int],
               context_width: int = 3, central_position: int = 1) -> bytes:
    """Kaldi's binary ContextDependency (without the 2-byte binary header) for trees with assigned pdfs.

    Phones map through a table on the central phone, then a table on the
    pdf class (key -1), then the question tree, whose leaves answer their pdf.
    """
    def event_map(node: Node) -> bytes:
        if isinstance(node, Leaf):
            return _token("CE") + _int32(node.pdf)
        return (_token("SE") + _int32(node.position) + _int_vector(node.yes_set) + _token("{")
                + event_map(node.yes) + event_map(node.no) + _token("}"))

    max_phone = max(num_pdf_classes)
    out = [_token("ContextDependency"), _int32(context_width), _int32(central_position), _token("ToPdf"),
           _token("TE"), _int32(central_position), _uint32(max_phone + 1), _token("(")]
    for phone in range(max_phone + 1):
        if phone not in num_pdf_classes:
            out.append(_token("NULL"))
            continue
        out += [_token("TE"), _int32(-1), _uint32(num_pdf_classes[phone]), _token("(")]
        out += [event_map(roots[(phone, k)]) for k in range(num_pdf_classes[phone])]
        out.append(_token(")"))
    out += [_token(")"), _token("EndContextDependency")]
    return b"".join(out)


def context_dependency(data: bytes) -> khg.ContextDependency:
    """A ContextDependency restored from Kaldi's binary tree bytes (through its pickle state)."""
    tree = khg.ContextDependency.__new__(khg.ContextDependency)
    tree.__setstate__((np.frombuffer(data, dtype=np.int8).tolist(),))
    return tree
