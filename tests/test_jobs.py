"""--nj/--cmd: the same outputs from forked jobs and from Slurm jobs (stand-in sbatch/srun on PATH)."""
import json
import shlex

import numpy as np
import pytest

from cgs_asr.bin import align_gmm, compute_features, decode, make_graph
from cgs_asr.data.ark import read_scp_matrices
from cgs_asr.data.datadir import read_table
from cgs_asr.jobs.backends import parse_cmd
from cgs_asr.lang.files import write_fst
from cgs_asr.lang.grammar import word_loop_grammar

from test_gmm import WORDS, toy, trained  # noqa: F401  (fixtures: a toy task and its monophone GMM)

@pytest.fixture
def data(make_data_dir, tmp_path):
    utts = {f"spk{s}-u{i}": (f"spk{s}", "yes") for s in range(2) for i in range(3)}
    make_data_dir(tmp_path / "data", utts, seconds=0.3)
    conf = tmp_path / "fbank.conf"
    conf.write_text("--num-mel-bins=23\n--dither=0\n")
    return tmp_path / "data", conf


def _features(data_dir):
    return dict(read_scp_matrices(read_table(data_dir / "feats.scp")))


def _copy(src, dst):
    dst.mkdir()
    for f in ("wav.scp", "text", "utt2spk", "spk2utt"):
        (dst / f).write_text((src / f).read_text())
    return dst


@pytest.mark.parametrize("cmd", ["slurm -p debug --mem=1G", "srun -p debug"])
def test_scheduled_jobs_give_the_same_features_as_forked_jobs(data, fake_slurm, tmp_path, cmd):
    data_dir, conf = data
    local = _copy(data_dir, tmp_path / "local")
    compute_features.main(["--config", str(conf), "--nj", "3", str(local), str(tmp_path / "feats_local")])
    feat_dir = tmp_path / "feats_slurm"
    compute_features.main(["--config", str(conf), "--nj", "3", "--cmd", cmd, str(data_dir), str(feat_dir)])

    expected, got = _features(local), _features(data_dir)
    assert list(got) == list(expected) and len(got) == 6
    assert all(np.array_equal(got[u], expected[u]) for u in got)
    assert read_table(data_dir / "utt2num_frames") == read_table(local / "utt2num_frames")
    calls = [shlex.split(line) for line in fake_slurm.read_text().splitlines()]
    backend, options = parse_cmd(cmd)
    if backend == "slurm":
        assert len(calls) == 1 and {"--wait", "--array=1-3", *options} <= set(calls[0])
    else:
        assert len(calls) == 3 and all(set(options) <= set(c) for c in calls)
        assert sorted(c[-1] for c in calls) == ["1", "2", "3"]
    for job in (1, 2, 3):
        log = (feat_dir / "log" / f"compute_features.{job}.log").read_text()
        assert log.splitlines()[-1].endswith("exit status 0")
        assert (feat_dir / f"raw_fbank_data.{job}.ark").is_file()


def test_scheduled_alignment_and_decoding_merge_like_forked_jobs(toy, trained, fake_slurm, tmp_path):  # noqa: F811
    exp, _ = trained
    write_fst(word_loop_grammar([toy.lang.words[w] for w in WORDS]), tmp_path / "G.fst")
    make_graph.main(["--grammar", str(tmp_path / "G.fst"), str(toy.lang.dir), str(exp), str(tmp_path / "graph")])
    out = {}
    for cmd in ("local", "slurm --mem=2G"):
        name = cmd.split()[0]
        align_gmm.main(["--nj", "3", "--cmd", cmd, str(toy.test), str(toy.lang.dir), str(exp),
                        str(tmp_path / f"ali_{name}")])
        decode.main(["--nj", "3", "--cmd", cmd, "--acwt-sweep", "0.05 0.1", "--gmm-dir", str(exp),
                     str(tmp_path / "graph"), str(toy.test), str(exp), str(tmp_path / f"decode_{name}")])
        out[name] = ((tmp_path / f"ali_{name}" / "ali.pdf.ark").read_bytes(),
                     (tmp_path / f"decode_{name}" / "text").read_text(),
                     json.loads((tmp_path / f"decode_{name}" / "decode.json").read_text()))
    assert out["local"][0] == out["slurm"][0] and out["local"][1] == out["slurm"][1]
    assert out["slurm"][2]["sweep"] == out["local"][2]["sweep"] and out["slurm"][2]["utterances"] == 12
    assert len(fake_slurm.read_text().splitlines()) == 2  # one array job per program
    assert (tmp_path / "decode_slurm" / "log" / "decode.3.log").read_text().splitlines()[-1].endswith("status 0")


def test_a_failed_job_stops_the_program_naming_its_log(data, fake_slurm, tmp_path, capsys):
    data_dir, conf = data
    wav_scp = read_table(data_dir / "wav.scp")
    broken = sorted(wav_scp)[-1]
    (data_dir / "wav.scp").write_text("".join(f"{u} {tmp_path / 'missing.wav' if u == broken else w}\n"
                                              for u, w in wav_scp.items()))
    feat_dir = tmp_path / "feats"
    with pytest.raises(SystemExit) as exit_info:
        compute_features.main(["--config", str(conf), "--nj", "2", "--cmd", "slurm", str(data_dir), str(feat_dir)])
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert f"1 of 2 jobs failed (2); see {feat_dir / 'log' / 'compute_features.2.log'}" in error
    assert f"'{broken}'" in error  # the job's own one-line error is shown
    assert not (data_dir / "feats.scp").exists()


def test_cmd_must_name_a_backend():
    with pytest.raises(ValueError, match="--cmd 'pbs -q x': the first word must be one of local, slurm, srun"):
        parse_cmd("pbs -q x")
