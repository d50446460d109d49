"""Kaldi interop: ark/scp I/O, ali-to-pdf arks (text, binary, gzipped), the nnet1 export, and a fake
Kaldi experiment dir taken through import, training (dense, CGS, 6-bit) and export, by the programs and by
recipes/kaldi_dir/run.sh."""
import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from cgs_asr.bin import compute_loglikes, export_nnet1, import_kaldi, train_dnn
from cgs_asr.data.alignments import AlignmentError, read_alignments, write_alignments
from cgs_asr.data.ark import ArkError, ArkWriter, kaldi_io, read_ark_matrices, read_matrix, read_scp_matrices
from cgs_asr.data.datadir import read_table, write_table
from cgs_asr.features.splice import splice_feats
from cgs_asr.nnet.compression import load_acoustic_model
from cgs_asr.nnet.dataset import normalized_utterances
from cgs_asr.nnet.kaldi_nnet1 import Nnet1Error, parse_nnet, read_nnet

from test_nnet import write_separable_data

REPO = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- ark / scp / alignments


def test_binary_ark_and_scp_offsets_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    mats = {f"utt{i}": rng.normal(size=(5 + i, 3)).astype(np.float32) for i in range(4)}
    with ArkWriter(tmp_path / "m.ark", tmp_path / "m.scp") as writer:
        for key, mat in mats.items():
            writer.write(key, mat)
    scp = read_table(tmp_path / "m.scp")
    assert all(v.rsplit(":", 1)[1].isdigit() for v in scp.values())
    assert list(scp) == list(mats)
    for got in (dict(read_ark_matrices(tmp_path / "m.ark")), dict(read_scp_matrices(dict(reversed(scp.items()))))):
        assert got.keys() == mats.keys() and all(np.array_equal(got[k], mats[k]) for k in mats)


def test_text_ark_as_kaldi_writes_it(tmp_path):
    # copy-feats ark:x.ark ark,t:- prints this
    (tmp_path / "t.ark").write_text("utt1  [\n  1 2.5 -3\n  4 5 6 ]\nutt2  [\n  0.25 0 1e-3 ]\n")
    got = dict(read_ark_matrices(tmp_path / "t.ark"))
    assert np.array_equal(got["utt1"], np.array([[1, 2.5, -3], [4, 5, 6]], dtype=np.float32))
    assert np.allclose(got["utt2"], [[0.25, 0, 1e-3]])


def test_pdf_alignments_binary_text_and_gzipped(tmp_path):
    alignments = {"a": np.array([0, 0, 3, 2], np.int32), "b": np.array([5, 1], np.int32)}
    write_alignments(tmp_path / "ali.ark", alignments)
    (tmp_path / "ali.txt").write_text("a 0 0 3 2\nb 5 1\n")  # ali-to-pdf ... ark,t:ali.txt
    with gzip.open(tmp_path / "ali.ark.gz", "wb") as f:  # ali-to-pdf ... "ark:|gzip -c > ali.ark.gz"
        f.write((tmp_path / "ali.ark").read_bytes())
    for name in ("ali.ark", "ali.txt", "ali.ark.gz"):
        got = read_alignments(tmp_path / name)
        assert got.keys() == alignments.keys() and all(np.array_equal(got[k], alignments[k]) for k in got)
    (tmp_path / "bad.ark.gz").write_bytes(gzip.compress(b"a \0B\x04\x02\x00"))
    with pytest.raises(AlignmentError, match="bad.ark.gz: not a Kaldi int-vector ark"):
        read_alignments(tmp_path / "bad.ark.gz")


# ---------------------------------------------------------------- a fake Kaldi experiment

@pytest.fixture(scope="module")
def kaldi_exp(tmp_path_factory, digit_loop_graph):
    """egs/<corpus>/s5 after Kaldi's data prep, make_fbank, compute_cmvn_stats, align_si and ali-to-pdf:
    scp files with paths relative to s5, per-job pdf alignments (gzipped binary and text), the tree."""
    s5 = tmp_path_factory.mktemp("kaldi") / "s5"
    for name, num_utts, seed in (("train", 12, 1), ("dev", 4, 2)):
        data = write_separable_data(s5 / "data" / name, num_utts, seed)
        for table in ("feats.scp", "cmvn.scp"):
            entries = read_table(data / table)
            write_table(data / table, {k: v.replace(f"{s5}/", "") for k, v in entries.items()})
        write_table(data / "utt2num_frames", {u: "60" for u in read_table(data / "utt2spk")})
        alignments = read_alignments(data / "ali.ark")
        ali_dir = s5 / "exp" / f"tri3_ali_{name}"
        ali_dir.mkdir(parents=True)
        utts = list(alignments)
        half = len(utts) // 2
        write_alignments(ali_dir / "pdf.1.ark", {u: alignments[u] for u in utts[:half]})
        (ali_dir / "pdf.1.gz").write_bytes(gzip.compress((ali_dir / "pdf.1.ark").read_bytes()))
        (ali_dir / "pdf.1.ark").unlink()
        (ali_dir / "pdf.2.txt").write_text("".join(f"{u} {' '.join(map(str, alignments[u]))}\n"
                                                   for u in utts[half:]))
        (data / "ali.ark").unlink()
    from cgs_asr.kaldi import khg
    topo = digit_loop_graph[0].topology()  # the tree of its monophone system stands for tri3's
    tree = khg.monophone_context_dependency(topo.phones, topo.get_phone_to_num_pdf_classes())
    (tree_bytes,) = tree.__getstate__()
    (s5 / "exp" / "tri3_ali_train" / "tree").write_bytes(b"\0B" + np.asarray(tree_bytes, np.int8).tobytes())
    return s5, tree.num_pdfs


def _import(s5, out, name):
    ali = s5 / "exp" / f"tri3_ali_{name}"
    import_kaldi.main(["--root", str(s5), "--tree", str(s5 / "exp" / "tri3_ali_train" / "tree"),
                       "--ali-dir", str(out / "exp" / f"ali_{name}"), "--pdf-ali", str(ali / "pdf.1.gz"),
                       str(ali / "pdf.2.txt"), "--", str(s5 / "data" / name), str(out / "data" / name)])
    return out / "data" / name, out / "exp" / f"ali_{name}"


def _train(train, dev, model_dir, *options):
    train_dnn.main([str(train[0]), str(train[1] / "ali.pdf.ark"), str(dev[0]), str(dev[1] / "ali.pdf.ark"),
                    (train[1] / "num_pdfs").read_text().strip(), str(model_dir), "--hidden-layers", "2",
                    "--hidden-dim", "32", "--context", "2", "--batch-size", "64", "--lr", "3e-3",
                    "--num-threads", "1", *options])


@pytest.fixture(scope="module")
def imported(kaldi_exp, tmp_path_factory, monkeypatch_module):
    out = tmp_path_factory.mktemp("cgs")
    monkeypatch_module.chdir(out)  # not s5: relative ark paths must resolve against --root
    return _import(kaldi_exp[0], out, "train"), _import(kaldi_exp[0], out, "dev"), out


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_import_makes_paths_absolute_and_merges_the_job_alignments(kaldi_exp, imported):
    (train_data, train_ali), _, _ = imported
    s5, num_pdfs = kaldi_exp
    assert all(v.startswith(f"{s5}/data/train/") for v in read_table(train_data / "feats.scp").values())
    summary = json.loads((train_ali / "import.json").read_text())
    assert summary["aligned"] == 12 and summary["frames"] == 12 * 60 and summary["num_pdfs"] == num_pdfs
    assert len(read_alignments(train_ali / "ali.pdf.ark")) == 12
    assert len(dict(normalized_utterances(train_data))) == 12


def test_import_rejects_transition_ids_and_wrong_lengths(kaldi_exp, tmp_path, capsys):
    s5, _ = kaldi_exp
    ali = s5 / "exp" / "tri3_ali_dev"
    (tmp_path / "tids.txt").write_text("spk0-utt000 " + " ".join(["40"] * 60) + "\n")

    def run(*pdf_ali):
        import_kaldi.main(["--root", str(s5), "--num-pdfs", "29", "--ali-dir", str(tmp_path / "a"),
                           "--pdf-ali", *map(str, pdf_ali), "--", str(s5 / "data" / "dev"), str(tmp_path / "d")])
    with pytest.raises(SystemExit):
        run(tmp_path / "tids.txt")
    assert "pdf-ids 40..40, outside 0..28 (is the number of pdfs right" in capsys.readouterr().err
    (tmp_path / "short.txt").write_text("spk0-utt000 1 2 3\n")
    with pytest.raises(SystemExit):
        run(tmp_path / "short.txt")
    assert "utt2num_frames: utterance 'spk0-utt000' has 60 frames, its alignment 3" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(ali / "pdf.2.txt", ali / "pdf.2.txt")
    assert "is also in an earlier alignment file" in capsys.readouterr().err


def _nnet_forward(components, feats):
    """What Kaldi's nnet-forward computes with the exported nnet (Splice ... Softmax), in numpy."""
    x = feats
    for c in components:
        if c.kind == "Splice":
            offsets = c.params["offsets"]
            x = splice_feats(x, -offsets[0], offsets[-1])
        elif c.kind == "AffineTransform":
            x = x @ c.params["weight"].T.astype(np.float64) + c.params["bias"]
        elif c.kind == "ParametricRelu":
            x = np.where(x >= 0, x * c.params["alpha"], x * c.params["beta"])
        elif c.kind == "Softmax":
            x = np.exp(x - x.max(axis=1, keepdims=True))
            x = x / x.sum(axis=1, keepdims=True)
    return x


def test_fake_kaldi_experiment_trains_and_exports(kaldi_exp, imported, fake_slurm, tmp_path):
    train, dev, out = imported
    _train(train, dev, out / "exp" / "dnn", "--max-epochs", "2")
    _train(train, dev, out / "exp" / "cgs", "--max-epochs", "2", "--cgs-keep", "0.5", "--cgs-block", "8")
    _train(train, dev, out / "exp" / "cgs_q6", "--max-epochs", "1", "--init-model", str(out / "exp" / "cgs"),
           "--qat-bits", "6")
    for model, kernel in (("dnn", "float"), ("cgs", "float"), ("cgs_q6", "fixed")):
        ark = out / "exp" / model / "loglikes_dev.ark"
        compute_loglikes.main([str(out / "exp" / model), str(dev[0]), str(ark), "--kernel", kernel,
                               "--num-threads", "1"])
        loglikes = dict(kaldi_io.read_mat_scp(str(ark.with_suffix(".scp"))))  # what latgen-faster-mapped reads
        assert len(loglikes) == 4 and all(m.shape == (60, kaldi_exp[1]) for m in loglikes.values())
        assert all(np.isfinite(m).all() for m in loglikes.values())
    # --nj: one ark per job (the data dir split by speaker), one scp over all of them; the same matrices
    for cmd in ("local", "slurm --mem=1G"):
        ark = out / "exp" / "cgs_q6" / cmd.split()[0] / "loglikes_dev.ark"
        compute_loglikes.main([str(out / "exp" / "cgs_q6"), str(dev[0]), str(ark), "--kernel", "fixed",
                               "--num-threads", "1", "--nj", "2", "--cmd", cmd])
        split = dict(kaldi_io.read_mat_scp(str(ark.with_suffix(".scp"))))
        assert list(split) == list(loglikes) and all(np.array_equal(split[u], loglikes[u]) for u in split)
        assert {entry.split(":")[0] for entry in read_table(ark.with_suffix(".scp")).values()} == \
            {str(ark.with_name(f"loglikes_dev.{job}.ark")) for job in (1, 2)}
    assert len(fake_slurm.read_text().splitlines()) == 1

    # nnet1 export of the CGS model: weights parse back exactly, dropped blocks are zeros, and
    # nnet-forward's computation (CMVN'd features, feature transform, nnet, prior) gives our log-likelihoods
    nnet_dir = out / "exp" / "cgs" / "kaldi"
    export_nnet1.main([str(out / "exp" / "cgs"), str(nnet_dir)])
    model = load_acoustic_model(out / "exp" / "cgs")
    components = read_nnet(nnet_dir / "final.nnet")
    assert [c.kind for c in components] == ["AffineTransform", "ParametricRelu"] * 2 + ["AffineTransform", "Softmax"]
    linears = [m for m in model.network if isinstance(m, torch.nn.Linear)]
    for c, linear in zip([c for c in components if c.kind == "AffineTransform"], linears):
        assert np.array_equal(c.params["weight"], linear.weight.detach().numpy())
        assert np.array_equal(c.params["bias"], linear.bias.detach().numpy())
    assert (components[2].params["weight"] == 0).mean() == pytest.approx(0.5)
    transform = read_nnet(nnet_dir / "final.feature_transform")
    assert [c.kind for c in transform] == ["Splice"] and list(transform[0].params["offsets"]) == [-2, -1, 0, 1, 2]
    counts = np.array((nnet_dir / "ali_train_pdf.counts").read_text().strip(" []\n").split(), dtype=float)
    assert (nnet_dir / "cmvn_opts").read_text().strip() == "--norm-means=true --norm-vars=false"
    expected = dict(read_scp_matrices(read_table(out / "exp" / "cgs" / "loglikes_dev.scp")))
    for utt, feats in normalized_utterances(dev[0]):  # apply-cmvn
        posteriors = _nnet_forward(transform + components, feats)
        kaldi = np.log(posteriors) - np.log(counts / counts.sum())  # --class-frame-counts
        assert np.allclose(kaldi, expected[utt], atol=2e-4), utt

    with pytest.raises(SystemExit):  # quantized: nnet1 cannot express it
        export_nnet1.main([str(out / "exp" / "cgs_q6"), str(tmp_path / "q")])


def test_nnet1_parser_reports_what_is_wrong():
    good = "<Nnet>\n<Softmax> 3 3\n<!EndOfComponent>\n</Nnet>\n"
    assert [c.kind for c in parse_nnet(good)] == ["Softmax"]
    with pytest.raises(Nnet1Error, match="x.nnet: <AffineTransform> 2 2: weight has 3 values, expected 4"):
        parse_nnet("<Nnet> <AffineTransform> 2 2 <LearnRateCoef> 1 [ 1 2\n 3 ] [ 0 0 ] </Nnet>", "x.nnet")
    with pytest.raises(Nnet1Error, match="component <LstmProjected> is not supported"):
        parse_nnet("<Nnet> <LstmProjected> 2 2 </Nnet>")
    with pytest.raises(Nnet1Error, match="ends early"):
        parse_nnet("<Nnet> <Softmax> 3 3")


def test_kaldi_dir_recipe_runs_on_a_kaldi_experiment(kaldi_exp, tmp_path):
    """recipes/kaldi_dir/run.sh as README "Using with Kaldi" runs it: import, train, export; decoding skipped
    without Kaldi's binaries. The alignment is one gzipped ark, as ali-to-pdf writes it there."""
    s5 = tmp_path / "s5"
    shutil.copytree(kaldi_exp[0], s5)
    for name in ("train", "dev"):
        ali = s5 / "exp" / f"tri3_ali_{name}"
        merged = read_alignments(ali / "pdf.1.gz") | read_alignments(ali / "pdf.2.txt")
        write_alignments(ali / "pdf.ark", merged)
        (ali / "pdf.ark.gz").write_bytes(gzip.compress((ali / "pdf.ark").read_bytes()))
    recipe = tmp_path / "recipes" / "kaldi_dir"
    recipe.mkdir(parents=True)
    (tmp_path / "local").symlink_to(REPO / "local")
    (recipe / "run.sh").symlink_to(REPO / "recipes" / "kaldi_dir" / "run.sh")
    result = subprocess.run(
        ["bash", str(recipe / "run.sh"), "--kaldi", str(s5), "--train", "data/train", "--dev", "data/dev",
         "--test", "data/dev", "--train-ali", "exp/tri3_ali_train", "--dev-ali", "exp/tri3_ali_dev",
         "--nj", "2", "--dnn-opts", "--hidden-layers 1 --hidden-dim 16 --context 1 --max-epochs 2 --num-threads 1"],
        capture_output=True, text=True, env={**os.environ, "CI": "true"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Kaldi's binaries are not on the PATH" in result.stdout
    for model, kernel in (("dnn", "float"), ("dnn_cgs75", "float"), ("dnn_q6", "fixed"), ("dnn_cgs75_q6", "fixed")):
        scp = recipe / "exp" / model / "loglikes_test.scp"
        loglikes = dict(kaldi_io.read_mat_scp(str(scp)))
        assert len(loglikes) == 4 and all(m.shape == (60, kaldi_exp[1]) for m in loglikes.values()), model
        assert (recipe / "exp" / model / "nnet1" / "final.nnet").is_file() == (kernel == "float")
    assert json.loads((recipe / "exp" / "dnn_cgs75_q6" / "config.json").read_text())["compression"]["quant"]
    for model in ("dnn_cgs75", "dnn_q6", "dnn_cgs75_q6"):  # the dense DNN teaches the compressed ones
        assert json.loads((recipe / "exp" / model / "config.json").read_text())["train"]["teacher_model"] == "exp/dnn"


def test_corrupt_archives_and_commands_are_named_not_run(tmp_path):
    with ArkWriter(tmp_path / "m.ark", tmp_path / "m.scp") as writer:
        for key in ("utt1", "utt2"):
            writer.write(key, np.ones((10, 4), dtype=np.float32))
    (tmp_path / "m.ark").write_bytes((tmp_path / "m.ark").read_bytes()[:-20])
    scp = read_table(tmp_path / "m.scp")
    with pytest.raises(ArkError, match=r"m.scp: 'utt2': cannot read a Kaldi matrix at .*m.ark:\d+"):
        dict(read_scp_matrices(scp, tmp_path / "m.scp"))
    marker = tmp_path / "ran"
    for where in (f"touch {marker} |", f"| touch {marker}"):
        with pytest.raises(ArkError, match="feats.scp: 'utt1': .* is a shell command"):
            read_matrix(where, "utt1", "feats.scp")
    assert not marker.exists()
