"""Shared fixtures: data made by the tests themselves, never downloaded."""
import os
from pathlib import Path

import numpy as np
import pytest

from cgs_asr.data.audio import write_wav
from cgs_asr.data.datadir import DataDir, write_data_dir


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """The ``tiny`` preset of the synthetic corpus, built once per test session."""
    from cgs_asr.data.synth.corpus import build_corpus
    out = tmp_path_factory.mktemp("synth") / "data"
    build_corpus(out, "tiny", seed=1, num_jobs=2, progress=False)
    return out


@pytest.fixture
def make_data_dir():
    """Factory of small data dirs of tones, see :func:`write_tone_data_dir`."""
    return write_tone_data_dir


def write_tone_data_dir(path: Path, utts: dict[str, tuple[str, str]], sample_rate: int = 16000,
                  seconds: float = 0.5, channels: int = 1) -> DataDir:
    """A data dir of tones: ``utts`` maps utterance id -> (speaker, text)."""
    wav_dir = path.parent / f"{path.name}_wav"
    wav_dir.mkdir(parents=True, exist_ok=True)
    data = DataDir(path, {"wav.scp": {}, "text": {}, "utt2spk": {}})
    for i, (utt, (spk, text)) in enumerate(utts.items()):
        t = np.arange(int(sample_rate * seconds)) / sample_rate
        tone = 0.3 * np.sin(2 * np.pi * (200 + 50 * i) * t)
        samples = np.stack([tone] * channels, axis=1) if channels > 1 else tone
        write_wav(wav_dir / f"{utt}.wav", samples, sample_rate)
        data.tables["wav.scp"][utt] = str(wav_dir / f"{utt}.wav")
        data.tables["text"][utt] = text
        data.tables["utt2spk"][utt] = spk
    write_data_dir(data, path)
    return data


@pytest.fixture(scope="session")
def digit_loop_graph(tmp_path_factory):
    """A monophone HCLG over a loop of the words zero, one, two, and ``loglikes(words)``: a
    frames x pdfs matrix that is 0 on the pdfs of the words' pronunciations (2 frames per
    HMM state) and -15 elsewhere, so decoding it must give back ``words``."""
    from cgs_asr.kaldi import khg
    from cgs_asr.lang.grammar import word_loop_grammar
    from cgs_asr.lang.hclg import make_hclg
    from cgs_asr.lang.lexicon import make_lexicon
    from cgs_asr.lang.prepare import prepare_lang

    words = ["zero", "one", "two"]
    lexicon = make_lexicon(words, unk_word=None)
    lang = prepare_lang(lexicon, tmp_path_factory.mktemp("lang"))
    topo = lang.topology()
    ctx_dep = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    trans_model = khg.TransitionModel(ctx_dep, topo)
    graph = make_hclg(lang, word_loop_grammar([lang.words[w] for w in words]), trans_model, ctx_dep)
    pdf = {tuple(t.__getstate__()[:2]): t.__getstate__()[2] for t in trans_model.tuples}

    def loglikes(spoken):
        path = [pdf[lang.phones[p], s] for w in spoken for p in lexicon.prons[w][0]
                for s in range(3) for _ in range(2)]
        mat = np.full((len(path), trans_model.num_pdfs), -15.0, dtype=np.float32)
        mat[np.arange(len(path)), path] = 0.0
        return mat

    return lang, trans_model, graph, loglikes


# Stand-ins for Slurm's tools: record the arguments, run the job script as Slurm would.
FAKE_SBATCH = r"""#!/usr/bin/env bash
echo "$@" >> "$SLURM_RECORD"
script=${@: -1}
range=$(printf '%s\n' "$@" | sed -n 's/^--array=//p')
status=0
for ((i=${range%-*}; i<=${range#*-}; i++)); do
  SLURM_ARRAY_TASK_ID=$i bash "$script" || status=$?
done
exit $status
"""
FAKE_SRUN = r"""#!/usr/bin/env bash
echo "$@" >> "$SLURM_RECORD"
while [ "$1" != bash ]; do shift; done
"$@"
"""


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch):
    bin_dir = tmp_path / "slurm_bin"
    bin_dir.mkdir()
    for name, text in (("sbatch", FAKE_SBATCH), ("srun", FAKE_SRUN)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    record = tmp_path / "slurm_calls.txt"
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("SLURM_RECORD", str(record))
    return record
