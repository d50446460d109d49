"""What DNN training needs from a Kaldi experiment: a data dir with features, pdf alignments, the pdf count.

- ``import_data_dir`` copies a Kaldi data dir's tables (``feats.scp`` and
  ``cmvn.scp`` required) with relative ark paths made absolute against the
  directory Kaldi's scripts ran in (egs/<corpus>/s5), so the copy works from
  anywhere. Kaldi's compressed feature matrices are read by kaldi-io as they are.
- ``import_pdf_alignments`` merges the arks ``ali-to-pdf`` wrote (binary or
  text, optionally gzipped, one per job) into one binary ark, checking every
  pdf-id against the pdf count and every length against ``utt2num_frames``.
- ``num_pdfs_from_tree`` reads the pdf count from Kaldi's binary ``tree`` file
  (what ``tree-info`` prints as num-pdfs).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from cgs_asr.atomic import atomic_write_text
from cgs_asr.data.alignments import AlignmentError, read_alignments, write_alignments
from cgs_asr.data.datadir import SPK_TABLES, UTT_TABLES, DataDir, DataDirError, load_data_dir, read_table, \
    write_data_dir

SCP_TABLES = ("feats.scp", "cmvn.scp")
_ARK_OFFSET = re.compile(r"^(?P<path>.+?)(?P<offset>:\d+)?$")


def _absolute(value: str, root: Path, where: str) -> str:
    """``path:offset`` with the path made absolute; Kaldi's piped scp entries (``cmd |``) are refused."""
    if value.endswith("|"):
        raise DataDirError(f"{where}: '{value}' is a command; write the features to an ark first (copy-feats)")
    match = _ARK_OFFSET.match(value)
    path = Path(match["path"])
    return f"{path if path.is_absolute() else (root / path).resolve()}{match['offset'] or ''}"


def import_data_dir(src: Path, dst: Path, root: Path) -> DataDir:
    """Copy the Kaldi data dir ``src`` to ``dst`` with absolute scp paths (see the module docstring)."""
    src, root = Path(src), Path(root).resolve()
    if (src / "segments").is_file():
        raise DataDirError(f"{src / 'segments'}: segmented data dirs are not supported (wav.scp must be "
                           f"keyed by utterance); import the features of a data dir without segments")
    for name in SCP_TABLES:
        if not (src / name).is_file():
            raise DataDirError(f"{src / name}: missing (run Kaldi's steps/make_fbank.sh and "
                               f"steps/compute_cmvn_stats.sh, or cgs-compute-features and cgs-compute-cmvn-stats)")
    data = load_data_dir(src)
    for name in SCP_TABLES:
        data.tables[name] = {key: _absolute(value, root, f"{src / name}: '{key}'")
                             for key, value in read_table(src / name).items()}
    copy = DataDir(Path(dst), {k: v for k, v in data.tables.items() if k in UTT_TABLES + SPK_TABLES})
    write_data_dir(copy, dst)
    return copy


def import_pdf_alignments(paths: list[Path], data: DataDir, num_pdfs: int, ali_dir: Path) -> dict:
    """Merge pdf alignment arks into ``<ali_dir>/ali.pdf.ark``, write ``num_pdfs`` and ``import.json``."""
    merged: dict[str, np.ndarray] = {}
    for path in paths:
        for utt, pdfs in read_alignments(path).items():
            if utt in merged:
                raise AlignmentError(f"{path}: utterance '{utt}' is also in an earlier alignment file")
            if len(pdfs) and (pdfs.min() < 0 or pdfs.max() >= num_pdfs):
                raise AlignmentError(f"{path}: utterance '{utt}' has pdf-ids {pdfs.min()}..{pdfs.max()}, outside "
                                     f"0..{num_pdfs - 1} (is the number of pdfs right, and are these pdf-ids, "
                                     f"i.e. the output of ali-to-pdf, not transition-ids?)")
            merged[utt] = pdfs
    lengths = data.tables.get("utt2num_frames", {})
    for utt, pdfs in merged.items():
        if utt in lengths and int(lengths[utt]) != len(pdfs):
            raise AlignmentError(f"{data.path / 'utt2num_frames'}: utterance '{utt}' has {lengths[utt]} frames, "
                                 f"its alignment {len(pdfs)}")
    aligned = [u for u in data.utts if u in merged]
    if not aligned:
        raise AlignmentError(f"{', '.join(map(str, paths))}: no alignment for any utterance of {data.path}")
    ali_dir = Path(ali_dir)
    ali_dir.mkdir(parents=True, exist_ok=True)
    write_alignments(ali_dir / "ali.pdf.ark", {u: merged[u] for u in aligned})
    atomic_write_text(ali_dir / "num_pdfs", f"{num_pdfs}\n")
    summary = {"sources": [str(p) for p in paths], "data_dir": str(data.path), "num_pdfs": num_pdfs,
               "aligned": len(aligned), "unaligned": len(data.utts) - len(aligned),
               "not_in_data_dir": len(merged) - len(aligned), "frames": int(sum(len(merged[u]) for u in aligned))}
    atomic_write_text(ali_dir / "import.json", json.dumps(summary, indent=1) + "\n")
    return summary


def num_pdfs_from_tree(path: Path) -> int:
    """The number of pdfs of a Kaldi binary ``tree`` file (written without ``--binary=false``)."""
    from cgs_asr.kaldi import khg
    raw = Path(path).read_bytes()
    if not raw.startswith(b"\0B"):
        raise ValueError(f"{path}: not a binary Kaldi file (no \\0B header); convert it with "
                         f"copy-tree --binary=true")
    tree = khg.ContextDependency.__new__(khg.ContextDependency)
    try:
        tree.__setstate__((np.frombuffer(raw[2:], dtype=np.int8).tolist(),))
    except Exception as e:  # noqa: BLE001  (the binding reports a bad file in its own way)
        raise ValueError(f"{path}: not a Kaldi tree ({e})") from None
    return int(tree.num_pdfs)
