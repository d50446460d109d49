"""Save and load a :class:`GmmHmm` as plain arrays and JSON: nothing that can run code on load.

``<dir>/<name>.npz`` (read with ``allow_pickle=False``) holds

- ``tree``: Kaldi's binary ContextDependency bytes (a Kaldi ``tree`` file
  without its 2-byte binary header)
- ``tm_tuples`` (phone, hmm-state, forward pdf, self-loop pdf), ``tm_state2id``,
  ``tm_id2state``, ``tm_id2pdf``, ``tm_log_probs``,
  ``tm_non_self_loop_log_probs``: the TransitionModel's whole state, so the
  trained transition probabilities survive (rebuilding a TransitionModel
  from tree and topology would reset them)
- ``gmm_sizes`` (Gaussians per pdf) and the stacked ``gmm_weights``,
  ``gmm_inv_vars``, ``gmm_means_invvars`` of every pdf, exactly the float32
  parameters kaldi-hmm-gmm keeps

``<dir>/<name>.json`` holds the HMM topology text, the feature settings and
summary counts. The objects are rebuilt through the bindings' own
``__setstate__``, so a loaded model scores bit-identically.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from cgs_asr.gmm.feats import FeatureSpec
from cgs_asr.gmm.model import GmmHmm, GmmInputError, khg_compiled
from cgs_asr.kaldi import khg
from cgs_asr.lang.files import atomic_write_bytes, atomic_write_text
from cgs_asr.lang.topology import load_topology

FORMAT = "cgs_asr.gmm_hmm"
VERSION = 1


def model_arrays(model: GmmHmm) -> dict[str, np.ndarray]:
    (tree_bytes,) = model.tree.__getstate__()
    tuples, _topo, state2id, id2state, id2pdf, _num_pdfs, log_probs, nsl_log_probs = \
        model.trans_model.__getstate__()
    am_state = model.am.__getstate__()
    weights, inv_vars, means_invvars = am_state[0::3], am_state[1::3], am_state[2::3]
    return {
        "tree": np.asarray(tree_bytes, dtype=np.int8).view(np.uint8),
        "tm_tuples": np.array([t.__getstate__() for t in tuples], dtype=np.int32).reshape(-1, 4),
        "tm_state2id": np.asarray(state2id, dtype=np.int32),
        "tm_id2state": np.asarray(id2state, dtype=np.int32),
        "tm_id2pdf": np.asarray(id2pdf, dtype=np.int32),
        "tm_log_probs": np.asarray(log_probs, dtype=np.float32),
        "tm_non_self_loop_log_probs": np.asarray(nsl_log_probs, dtype=np.float32),
        "gmm_sizes": np.array([len(w) for w in weights], dtype=np.int32),
        "gmm_weights": np.concatenate(weights).astype(np.float32),
        "gmm_inv_vars": np.concatenate(inv_vars).astype(np.float32),
        "gmm_means_invvars": np.concatenate(means_invvars).astype(np.float32),
    }


def model_metadata(model: GmmHmm) -> dict:
    return {
        "format": FORMAT, "version": VERSION,
        "topology": str(model.trans_model.topo),
        "feature_spec": model.feature_spec.to_dict(),
        "num_pdfs": model.num_pdfs, "num_gauss": model.num_gauss, "dim": model.dim,
        "context_width": model.tree.context_width, "central_position": model.tree.central_position,
        "num_transition_ids": model.trans_model.num_transition_ids,
    }


def model_from_arrays(arrays: dict[str, np.ndarray], meta: dict) -> GmmHmm:
    tree = khg.ContextDependency.__new__(khg.ContextDependency)
    tree.__setstate__((arrays["tree"].view(np.int8).tolist(),))

    trans_model = khg.TransitionModel.__new__(khg.TransitionModel)
    trans_model.__setstate__((
        [khg_compiled.TransitionModelTuple(*map(int, row)) for row in arrays["tm_tuples"]],
        load_topology(meta["topology"]),
        arrays["tm_state2id"].tolist(), arrays["tm_id2state"].tolist(), arrays["tm_id2pdf"].tolist(),
        int(meta["num_pdfs"]),
        arrays["tm_log_probs"].tolist(), arrays["tm_non_self_loop_log_probs"].tolist(),
    ))

    bounds = np.cumsum(arrays["gmm_sizes"])[:-1]
    state = []
    for w, iv, miv in zip(np.split(arrays["gmm_weights"], bounds), np.split(arrays["gmm_inv_vars"], bounds),
                          np.split(arrays["gmm_means_invvars"], bounds)):
        state += [w, np.ascontiguousarray(iv), np.ascontiguousarray(miv)]
    am = khg.AmDiagGmm.__new__(khg.AmDiagGmm)
    am.__setstate__(tuple(state))
    return GmmHmm(tree, trans_model, am, FeatureSpec(**meta["feature_spec"]))


def save_model(model: GmmHmm, model_dir: str | Path, name: str = "final") -> None:
    """Write ``<name>.npz`` and ``<name>.json`` in ``model_dir``, each atomically."""
    model_dir = Path(model_dir)
    buf = io.BytesIO()
    np.savez(buf, **model_arrays(model))
    atomic_write_bytes(model_dir / f"{name}.npz", buf.getvalue())
    atomic_write_text(model_dir / f"{name}.json", json.dumps(model_metadata(model), indent=1) + "\n")


def load_model(model_dir: str | Path, name: str = "final") -> GmmHmm:
    model_dir = Path(model_dir)
    npz, meta_path = model_dir / f"{name}.npz", model_dir / f"{name}.json"
    for path in (npz, meta_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such model file")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise GmmInputError(f"{meta_path}: not a {FORMAT} version {VERSION} model description")
    with np.load(npz, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    return model_from_arrays(arrays, meta)
