"""DNN acoustic model: data checks, training, priors, model dirs and log-likelihood arks."""
import dataclasses
import json
import logging
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from cgs_asr.data.alignments import AlignmentError, read_alignments, write_alignments
from cgs_asr.data.ark import ArkError, ArkWriter, read_ark_matrices, read_scp_matrices
from cgs_asr.data.datadir import DataDir, read_table, write_data_dir, write_table
from cgs_asr.features.cmvn import compute_cmvn_stats
from cgs_asr.nnet.dataset import FrameSet, TrainingDataError, load_frame_set, normalized_utterances
from cgs_asr.nnet.frame_stats import frame_stats
from cgs_asr.nnet.loglikes import write_log_likelihoods
from cgs_asr.nnet.model import PRESETS, ModelConfig, ModelConfigError, make_model
from cgs_asr.nnet.modeldir import AcousticModel, ModelDirError, load_model_dir, open_model_dir, save_model_dir
from cgs_asr.nnet.priors import compute_priors, mean_posterior
from cgs_asr.nnet.train import TrainConfig, TrainConfigError, Distillation, best_epoch, evaluate, train

FEAT_DIM, NUM_PDFS = 8, 6


def write_separable_data(path: Path, num_utts: int, seed: int, frames: int = 60) -> Path:
    """A data dir with feats.scp, cmvn.scp and ``<path>/ali.ark``; each pdf has its own feature mean.

    Pdfs come in runs of 3-8 frames; every speaker adds its own offset, which CMVN removes.
    """
    rng = np.random.default_rng(seed)
    means = np.random.default_rng(0).normal(0, 1.5, (NUM_PDFS, FEAT_DIM))  # the same in every set
    data = DataDir(path, {"wav.scp": {}, "text": {}, "utt2spk": {}})
    alignments = {}
    path.mkdir(parents=True)
    with ArkWriter(path / "feats.ark", path / "feats.scp") as writer:
        for i in range(num_utts):
            spk = f"spk{i % 3}"
            utt = f"{spk}-utt{i:03d}"
            runs = rng.integers(3, 9, frames)
            pdfs = np.repeat(rng.integers(0, NUM_PDFS, frames), runs)[:frames].astype(np.int32)
            feats = means[pdfs] + rng.normal(0, 0.7, (frames, FEAT_DIM)) + 3.0 * (i % 3)
            writer.write(utt, feats.astype(np.float32))
            alignments[utt] = pdfs
            data.tables["wav.scp"][utt] = f"/nonexistent/{utt}.wav"
            data.tables["text"][utt] = "a"
            data.tables["utt2spk"][utt] = spk
    write_data_dir(data, path)
    write_table(path / "feats.scp", writer.scp)
    compute_cmvn_stats(path, path / "cmvn")
    write_alignments(path / "ali.ark", alignments)
    return path


# ---------------------------------------------------------------- fixtures

CONTEXT = 2
TRAIN = TrainConfig(lr=3e-3, batch_size=64, max_epochs=8, num_threads=1, seed=3)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("nnet")
    return write_separable_data(root / "train", 24, seed=1), write_separable_data(root / "dev", 8, seed=2)


@pytest.fixture(scope="module")
def frame_sets(corpus):
    return tuple(load_frame_set(d, d / "ali.ark", NUM_PDFS, CONTEXT, CONTEXT, progress=False) for d in corpus)


def small_config(**overrides) -> ModelConfig:
    return ModelConfig(num_pdfs=NUM_PDFS, feat_dim=FEAT_DIM, left_context=CONTEXT, right_context=CONTEXT,
                       hidden_layers=2, hidden_dim=32, **overrides)


@pytest.fixture(scope="module")
def trained(frame_sets):
    network = make_model(small_config(), seed=0)
    history = train(network, *frame_sets, TRAIN, progress=False)
    return network, history


def copy_data_dir(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for name in ("wav.scp", "text", "utt2spk", "spk2utt", "feats.scp", "cmvn.scp"):
        (dst / name).write_bytes((src / name).read_bytes())
    return dst


# ---------------------------------------------------------------- data

def test_frame_set_pairs_normalised_spliced_frames_with_targets(corpus, frame_sets):
    train_dir, _ = corpus
    train_set, _ = frame_sets
    alignments = read_alignments(train_dir / "ali.ark")
    assert len(train_set) == sum(len(a) for a in alignments.values()) and train_set.skipped == []
    # The first frame of the second utterance: its left context is itself, replicated.
    utt = train_set.utts[1]
    row = len(alignments[train_set.utts[0]])
    feats = dict(normalized_utterances(train_dir))[utt]
    inputs, targets = train_set.batch(np.array([row]))
    np.testing.assert_array_equal(inputs[0].numpy(), np.concatenate([feats[0], feats[0], feats[0], feats[1], feats[2]]))
    assert targets.item() == alignments[utt][0]
    # Per-speaker CMVN removed the speaker offset: the mean of every speaker is 0.
    np.testing.assert_allclose(np.concatenate(
        [f for u, f in normalized_utterances(train_dir) if u.startswith("spk2")]).mean(0), 0, atol=1e-5)


def test_per_utterance_cmvn_zeroes_each_utterance_and_needs_no_stats_file(corpus, tmp_path):
    train_dir, _ = corpus
    by_speaker = dict(normalized_utterances(train_dir))
    raw = dict(read_scp_matrices(read_table(train_dir / "feats.scp")))
    no_stats = copy_data_dir(train_dir, tmp_path / "no_stats")
    (no_stats / "cmvn.scp").unlink()
    for utt, feats in normalized_utterances(no_stats, cmvn="utterance"):
        np.testing.assert_allclose(feats, raw[utt] - raw[utt].mean(0), atol=1e-5)
        # Per speaker, one utterance keeps its offset from its speaker's mean; per utterance, none is left.
        assert abs(by_speaker[utt].mean(0)).max() > 0.05 and abs(feats.mean(0)).max() < 1e-5
    with pytest.raises(TrainingDataError, match="no_stats/cmvn.scp: missing"):
        next(normalized_utterances(no_stats))
    with pytest.raises(ValueError, match="unknown CMVN scope 'global'"):
        next(normalized_utterances(train_dir, cmvn="global"))
    with pytest.raises(ValueError, match="unknown CMVN scope 'global'"):
        small_config(cmvn="global")
    frames = load_frame_set(no_stats, train_dir / "ali.ark", NUM_PDFS, CONTEXT, CONTEXT, progress=False,
                            cmvn="utterance")
    first = raw[frames.utts[0]]
    np.testing.assert_allclose(frames.feats[:len(first)].numpy(), first - first.mean(0), atol=1e-5)


def test_utterances_without_alignment_are_skipped_and_counted(corpus, tmp_path, caplog):
    train_dir, _ = corpus
    alignments = read_alignments(train_dir / "ali.ark")
    dropped = list(alignments)[3:5]
    write_alignments(tmp_path / "ali.ark", {u: a for u, a in alignments.items() if u not in dropped})
    with caplog.at_level(logging.WARNING):
        frames = load_frame_set(train_dir, tmp_path / "ali.ark", NUM_PDFS, progress=False)
    assert frames.skipped == dropped and dropped[0] not in frames.utts
    assert "2 of 24 utterances" in caplog.text and f"'{dropped[0]}'" in caplog.text


def test_frame_count_mismatch_names_the_utterance(corpus, tmp_path):
    train_dir, _ = corpus
    alignments = read_alignments(train_dir / "ali.ark")
    utt = list(alignments)[5]
    alignments[utt] = alignments[utt][:-1]
    write_alignments(tmp_path / "ali.ark", alignments)
    with pytest.raises(TrainingDataError, match=f"ali.ark: utterance '{utt}' has 59 frames of alignment "
                                                 f"but 60 frames of features"):
        load_frame_set(train_dir, tmp_path / "ali.ark", NUM_PDFS, progress=False)


def test_pdf_id_out_of_range_names_the_utterance(corpus):
    train_dir, _ = corpus
    with pytest.raises(TrainingDataError, match=r"utterance 'spk0-utt000' has pdf-id \d at frame \d+, outside 0..1"):
        load_frame_set(train_dir, train_dir / "ali.ark", 2, progress=False)


def test_nan_in_features_names_the_utterance(corpus, tmp_path):
    train_dir, _ = corpus
    data = copy_data_dir(train_dir, tmp_path / "d")
    feats = {u: m.copy() for u, m in read_scp_matrices(read_table(data / "feats.scp"))}
    feats["spk1-utt004"][17, 3] = np.nan
    with ArkWriter(tmp_path / "feats.ark", tmp_path / "feats.scp") as writer:
        for utt, mat in feats.items():
            writer.write(utt, mat)
    write_table(data / "feats.scp", writer.scp)
    with pytest.raises(ArkError, match=r"feats.scp: 'spk1-utt004': NaN or inf in row 17"):
        load_frame_set(data, train_dir / "ali.ark", NUM_PDFS, progress=False)


def test_missing_cmvn_and_corrupt_alignment_are_named(corpus, tmp_path):
    train_dir, _ = corpus
    data = copy_data_dir(train_dir, tmp_path / "d")
    (data / "cmvn.scp").write_text((data / "cmvn.scp").read_text().split("\n", 1)[1])
    with pytest.raises(TrainingDataError, match="cmvn.scp: no entry for speaker 'spk0'"):
        load_frame_set(data, train_dir / "ali.ark", NUM_PDFS, progress=False)
    (tmp_path / "bad.ark").write_bytes((train_dir / "ali.ark").read_bytes()[:500])
    with pytest.raises(AlignmentError, match="bad.ark: not a Kaldi int-vector ark after utterance 'spk"):
        read_alignments(tmp_path / "bad.ark")


# ---------------------------------------------------------------- model and training

def test_model_is_a_plain_sequential_of_linears():
    config = ModelConfig.from_preset("paper", num_pdfs=200, activation="sigmoid")
    network = make_model(config)
    assert [type(m) for m in network] == [nn.Linear, nn.Sigmoid] * 4 + [nn.Linear]
    assert (network[0].in_features, network[0].out_features, network[-1].out_features) == (440, 1024, 200)
    assert PRESETS["default"]["hidden_dim"] < PRESETS["paper"]["hidden_dim"]
    assert ModelConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_bottleneck_is_a_linear_layer_before_the_output_and_old_configs_still_load():
    config = ModelConfig(num_pdfs=200, hidden_layers=2, hidden_dim=64, bottleneck_dim=16)
    network = make_model(config)
    assert [type(m) for m in network] == [nn.Linear, nn.ReLU] * 2 + [nn.Linear, nn.Linear]
    assert [(m.in_features, m.out_features) for m in network if isinstance(m, nn.Linear)][-2:] == [(64, 16), (16, 200)]
    saved_before_bottlenecks = {k: v for k, v in config.to_dict().items() if k != "bottleneck_dim"}
    assert ModelConfig.from_dict(saved_before_bottlenecks).bottleneck_dim == 0
    with pytest.raises(ModelConfigError, match="bottleneck_dim"):
        ModelConfig(num_pdfs=200, bottleneck_dim=-1)


def test_training_separates_the_pdfs(trained, frame_sets):
    network, history = trained
    _, dev_set = frame_sets
    assert history[0].dev_acc < 0.5
    best = max((s for s in history if s.accepted), key=lambda s: s.dev_acc)
    assert best.dev_acc > 0.93
    # The model is left with the best epoch's weights.
    assert evaluate(network, dev_set)[1] == pytest.approx(best.dev_acc)


def test_newbob_schedule_halves_then_stops(frame_sets):
    network = make_model(small_config(), seed=0)
    config = TrainConfig(lr=3e-3, batch_size=64, max_epochs=30, num_threads=1, seed=3,
                         start_halving_impr=0.02, end_halving_impr=0.002)
    history = train(network, *frame_sets, config, progress=False)[1:]
    assert len(history) < 30
    halved = [i for i in range(1, len(history)) if history[i].lr < history[i - 1].lr]
    assert halved and all(history[i].lr == history[i - 1].lr / 2 for i in range(halved[0], len(history)))
    last, best_before = history[-1], max(s.dev_acc for s in history[:-1])
    assert last.dev_acc - best_before < config.end_halving_impr


def test_exponential_schedule_runs_every_epoch_at_its_rate(frame_sets):
    def spoil_in_epoch_3(network, step):  # a worse epoch is rejected, but the schedule goes on
        if step == 3 * -(-len(frame_sets[0]) // 64):
            with torch.no_grad():
                network[-1].weight.mul_(0.0)

    network = make_model(small_config(), seed=0)
    config = TrainConfig(lr=3e-3, batch_size=64, max_epochs=6, num_threads=1, seed=3, lr_schedule="exponential",
                         final_lr=1e-4, start_halving_impr=1.0, end_halving_impr=1.0)  # newbob would stop at once
    history = train(network, *frame_sets, config, progress=False, on_step=spoil_in_epoch_3)[1:]
    assert [s.lr for s in history] == pytest.approx([3e-3 * (1 / 30) ** (k / 5) for k in range(6)])
    assert not history[2].accepted and history[3].dev_acc > history[2].dev_acc
    assert best_epoch(history).dev_acc == max(s.dev_acc for s in history)
    assert TrainConfig(lr=1.6e-3, max_epochs=3, lr_schedule="exponential").epoch_lr(3) == pytest.approx(1e-4)
    for bad in ({"lr_schedule": "cosine"}, {"final_lr": 1e-4}, {"lr_schedule": "exponential", "final_lr": 1.0}):
        with pytest.raises(TrainConfigError):
            TrainConfig(**bad)


def test_accepted_epochs_are_kept_even_when_dev_gets_worse(frame_sets, trained):
    def spoil_in_epoch_2(network, step):  # its last step: as if gradual pruning had taken the weights away
        if step == 2 * -(-len(frame_sets[0]) // 64):
            with torch.no_grad():
                network[-1].weight.mul_(0.0)

    history = {}
    for accept_epochs in (0, 2):
        network = make_model(small_config(), seed=0)
        config = TrainConfig(**{**TRAIN.to_dict(), "max_epochs": 3, "accept_epochs": accept_epochs})
        history[accept_epochs] = train(network, *frame_sets, config, progress=False, on_step=spoil_in_epoch_2)
    spoiled = history[0][2]
    assert spoiled.dev_acc < history[0][1].dev_acc and not spoiled.accepted
    assert [s.accepted for s in history[2]] == [True, True, True, history[2][3].dev_acc > history[2][2].dev_acc]
    assert history[2][2].dev_acc == spoiled.dev_acc and history[2][3].lr == history[2][1].lr
    assert best_epoch(history[2]).epoch == (3 if history[2][3].accepted else 2)
    assert best_epoch(history[0]).dev_acc == max(s.dev_acc for s in history[0])
    with pytest.raises(TrainConfigError):
        TrainConfig(max_epochs=2, accept_epochs=3)


def test_training_is_deterministic_for_a_seed(frame_sets, trained):
    network, history = trained
    again = make_model(small_config(), seed=0)
    history_again = train(again, *frame_sets, TRAIN, progress=False)
    assert [(s.train_loss, s.dev_acc) for s in history[1:]] == [(s.train_loss, s.dev_acc) for s in history_again[1:]]
    for a, b in zip(network.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)
    other = make_model(small_config(), seed=0)
    history_other = train(other, *frame_sets, TrainConfig(**{**TRAIN.to_dict(), "seed": 4, "max_epochs": 1}),
                          progress=False)
    assert history_other[1].train_loss != history[1].train_loss


def test_distillation_alone_learns_the_teacher_not_the_alignment(frame_sets, trained):
    teacher, _ = trained
    train_set, dev_set = frame_sets
    scrambled = dataclasses.replace(train_set, targets=torch.randperm(len(train_set)) % NUM_PDFS)
    config = TrainConfig(**{**TRAIN.to_dict(), "max_epochs": 4})
    student = make_model(small_config(), seed=1)
    train(student, scrambled, dev_set, TrainConfig(**{**config.to_dict(), "distill_weight": 1.0}),
          progress=False, teacher=teacher)
    assert evaluate(student, dev_set)[1] > 0.9  # the teacher's knowledge, not the scrambled targets
    without = make_model(small_config(), seed=1)
    train(without, scrambled, dev_set, config, progress=False)
    assert evaluate(without, dev_set)[1] < 0.5


def test_distillation_weight_mixes_the_two_losses(trained, frame_sets):
    teacher, _ = trained
    inputs, targets = frame_sets[0].batch(np.arange(64))
    student = make_model(small_config(), seed=1)
    logits = student(inputs)
    hard = nn.functional.cross_entropy(logits, targets, reduction="sum")
    teacher_probs = nn.functional.softmax(teacher(inputs) / 2.0, dim=1)
    student_log_probs = nn.functional.log_softmax(logits / 2.0, dim=1)
    kl = (teacher_probs * (teacher_probs.log() - student_log_probs)).sum()
    mixed = Distillation(teacher, 0.25, 2.0).loss(inputs, logits, hard)
    assert mixed.item() == pytest.approx((0.75 * hard + 0.25 * 4.0 * kl).item(), rel=1e-5)
    assert Distillation(student, 1.0, 1.0).loss(inputs, logits, hard).item() == pytest.approx(0.0, abs=1e-3)
    with pytest.raises(TrainConfigError, match="needs a teacher"):
        train(student, *frame_sets, TrainConfig(distill_weight=0.5), progress=False)
    with pytest.raises(TrainConfigError, match="distill_weight"):
        TrainConfig(distill_weight=1.5)


class BlockMask(nn.Module):
    """A stand-in for a sparsity parametrization: a fixed 0/1 mask on the weight."""

    def __init__(self, shape):
        super().__init__()
        self.register_buffer("mask", (torch.arange(shape[0] * shape[1]).reshape(shape) % 4 != 0).float())

    def forward(self, weight):
        return weight * self.mask


def add_masks(network: nn.Sequential, saved_config=None) -> None:
    for layer in network:
        if isinstance(layer, nn.Linear):
            parametrize.register_parametrization(layer, "weight", BlockMask(layer.weight.shape))


def test_parametrized_weights_train_and_load_through_prepare(frame_sets, tmp_path):
    network = make_model(small_config(), seed=0)
    add_masks(network)
    steps, epochs = [], []
    config = TrainConfig(**{**TRAIN.to_dict(), "max_epochs": 2, "optimizer": "sgd", "lr": 0.05})
    history = train(network, *frame_sets, config, progress=False,
                    on_step=lambda net, step: steps.append(step), on_epoch_end=lambda net, s: epochs.append(s.epoch))
    assert steps[-1] == len(steps) == 2 * -(-len(frame_sets[0]) // 64) and epochs == [1, 2]
    assert history[-1].dev_acc > history[0].dev_acc
    assert (network[0].weight[network[0].parametrizations.weight[0].mask == 0] == 0).all()
    save_model_dir(tmp_path / "m", network, small_config(), np.full(NUM_PDFS, 1 / NUM_PDFS))
    with pytest.raises(ModelDirError, match="final.pt: weights are parametrized"):
        load_model_dir(tmp_path / "m")
    loaded = load_model_dir(tmp_path / "m", prepare=add_masks)
    inputs = frame_sets[1].batch(np.arange(50))[0]
    with torch.inference_mode():
        assert torch.equal(loaded.network(inputs), network.eval()(inputs))


def test_frame_stats_by_hand_and_the_prior_can_flip_the_decision():
    frames = FrameSet.from_utterances([("u1", np.zeros((2, 1), np.float32), np.array([0, 1])),
                                       ("u2", np.zeros((1, 1), np.float32), np.array([1]))], 0, 0)
    constant = nn.Linear(1, 2)  # every frame: posteriors 0.75 / 0.25
    nn.init.zeros_(constant.weight)
    with torch.no_grad():
        constant.bias.copy_(torch.log(torch.tensor([0.75, 0.25])))
    stats = frame_stats(constant, frames, np.log([0.9, 0.1]), batch_size=2)
    assert stats.frames == 3 and stats.accuracy == pytest.approx(1 / 3)
    assert stats.cross_entropy == pytest.approx(-(np.log(0.75) + 2 * np.log(0.25)) / 3, rel=1e-6)
    assert stats.entropy == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)), rel=1e-6)
    # 0.25 / 0.1 beats 0.75 / 0.9: the decoder's first choice is pdf 1, right on two frames of three.
    assert stats.likelihood_accuracy == pytest.approx(2 / 3)
    assert frame_stats(constant, frames).likelihood_accuracy is None
    assert evaluate(constant, frames) == (pytest.approx(stats.cross_entropy), pytest.approx(1 / 3))


# ---------------------------------------------------------------- priors, model dir, log-likelihoods

def test_priors_sum_to_one_and_unseen_pdfs_are_floored():
    priors = compute_priors(np.array([0, 0, 0, 1, 3, 3]), num_pdfs=5, floor=0.01)
    assert priors.sum() == pytest.approx(1.0, abs=1e-12)
    assert priors[2] == priors[4] == pytest.approx(0.01 / 1.02)
    assert priors[0] == pytest.approx(0.5 / 1.02) and priors[0] / priors[1] == pytest.approx(3)
    with pytest.raises(ValueError, match="outside 0..4"):
        compute_priors(np.array([0, 5]), num_pdfs=5)


def test_mean_posterior_priors_average_the_softmax_and_are_floored(trained, frame_sets):
    network, _ = trained
    inputs, _ = frame_sets[1].batch(np.arange(len(frame_sets[1])))
    expected = torch.softmax(network(inputs), dim=-1).double().mean(dim=0).detach().numpy()
    halves = (inputs[:100], inputs[100:])
    np.testing.assert_allclose(mean_posterior(network, halves, NUM_PDFS, floor=0.0), expected, rtol=1e-6)
    silent = nn.Sequential(nn.Linear(inputs.shape[1], NUM_PDFS))
    nn.init.zeros_(silent[0].weight)
    with torch.no_grad():
        silent[0].bias.copy_(torch.tensor([0.0, 0, 0, 0, 0, -30]))  # pdf 5 never gets posterior mass
    prior = mean_posterior(silent, halves, NUM_PDFS, floor=0.01)
    assert prior.sum() == pytest.approx(1.0) and prior[5] == pytest.approx(0.01 / 1.01)
    with pytest.raises(ValueError, match="no frames"):
        mean_posterior(network, [], NUM_PDFS)


def test_model_dir_round_trip_gives_identical_log_likelihoods(trained, frame_sets, corpus, tmp_path):
    network, _ = trained
    train_set, _ = frame_sets
    prior = compute_priors(train_set.targets.numpy(), NUM_PDFS)
    save_model_dir(tmp_path / "m", network, small_config(), prior, {"train": TRAIN.to_dict()})
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "final.pt", "prior.npy"]
    state = torch.load(tmp_path / "m" / "final.pt", weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    assert json.loads((tmp_path / "m" / "config.json").read_text())["train"]["seed"] == TRAIN.seed

    loaded = load_model_dir(tmp_path / "m")
    assert loaded.config == small_config() and loaded.meta["train"] == TRAIN.to_dict()
    _, dev_dir = corpus
    assert write_log_likelihoods(loaded, dev_dir, tmp_path / "loglikes.ark", progress=False) == 8
    from_ark = dict(read_ark_matrices(tmp_path / "loglikes.ark"))
    from_scp = dict(read_scp_matrices(read_table(tmp_path / "loglikes.scp")))
    original = AcousticModel(network, small_config(), prior)
    for utt, feats in normalized_utterances(dev_dir):
        expected = original.log_likelihoods(feats)
        assert expected.shape == (60, NUM_PDFS) and expected.dtype == np.float32
        np.testing.assert_array_equal(loaded.log_likelihoods(feats), expected)
        np.testing.assert_array_equal(from_ark[utt], expected)
        np.testing.assert_array_equal(from_scp[utt], expected)
    # Adding the log prior back gives posteriors that sum to one.
    posteriors = np.exp(from_ark[utt] + np.log(prior))
    np.testing.assert_allclose(posteriors.sum(axis=1), 1, rtol=1e-5)


class NotATensor:
    pass


def test_model_file_is_loaded_without_running_code(trained, tmp_path):
    network, _ = trained
    save_model_dir(tmp_path / "m", network, small_config(), np.full(NUM_PDFS, 1 / NUM_PDFS))
    torch.save({**network.state_dict(), "extra": NotATensor()}, tmp_path / "m" / "final.pt")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        load_model_dir(tmp_path / "m")


def test_model_dir_errors_name_the_file(trained, tmp_path):
    network, _ = trained
    save_model_dir(tmp_path / "m", network, small_config(), np.full(NUM_PDFS, 1 / NUM_PDFS))
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["model"]["hidden_dim"] = 16
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelDirError, match="final.pt: does not fit config.json: .*size mismatch"):
        load_model_dir(tmp_path / "m")
    open_model_dir(tmp_path / "m")  # a new training run starts here: the old model no longer counts
    with pytest.raises(FileNotFoundError, match="final.pt: missing"):
        load_model_dir(tmp_path / "m")


# ---------------------------------------------------------------- programs

def test_programs_train_and_write_log_likelihoods(corpus, tmp_path):
    from cgs_asr.bin import compute_loglikes, train_dnn
    train_dir, dev_dir = corpus
    model_dir = tmp_path / "exp" / "dnn"
    train_dnn.main([str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"),
                    str(NUM_PDFS), str(model_dir), "--hidden-layers", "2", "--hidden-dim", "32", "--context", "2",
                    "--max-epochs", "2", "--batch-size", "64", "--lr", "3e-3", "--num-threads", "1"])
    assert {"final.pt", "config.json", "prior.npy", "train.log"} <= {p.name for p in model_dir.iterdir()}
    log_lines = (model_dir / "train.log").read_text().splitlines()
    assert log_lines[0].startswith("epoch 0") and log_lines[-1].startswith("finished after")
    saved = json.loads((model_dir / "config.json").read_text())
    assert saved["model"] == small_config(norm_vars=False).to_dict()
    assert saved["data"]["train_frames"] == 24 * 60 and saved["train"]["max_epochs"] == 2
    compute_loglikes.main([str(model_dir), str(dev_dir), str(tmp_path / "ll.ark"), "--num-threads", "1"])
    loglikes = dict(read_scp_matrices(read_table(tmp_path / "ll.scp")))
    assert len(loglikes) == 8 and all(m.shape == (60, NUM_PDFS) for m in loglikes.values())


def test_program_adjusts_priors_to_the_mean_posterior(corpus, tmp_path):
    from cgs_asr.bin import adjust_priors, train_dnn
    train_dir, dev_dir = corpus
    model_dir = tmp_path / "dnn"
    train_dnn.main([str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"),
                    str(NUM_PDFS), str(model_dir), "--hidden-layers", "1", "--hidden-dim", "16", "--context", "2",
                    "--max-epochs", "1", "--batch-size", "64", "--num-threads", "1"])
    before = load_model_dir(model_dir)
    adjust_priors.main([str(model_dir), str(dev_dir), "--max-utts", "4", "--num-threads", "1"])
    after = load_model_dir(model_dir)
    utts = [f"spk{i % 3}-utt{i:03d}" for i in (0, 2, 4, 6)]  # 4 of the 8 dev utterances, spread evenly
    inputs = [before.log_likelihoods(feats) + np.log(before.prior) for _, feats in normalized_utterances(dev_dir, utts=utts)]
    expected = np.exp(np.concatenate(inputs)).astype(np.float64).mean(axis=0)
    np.testing.assert_allclose(after.prior, expected / expected.sum(), rtol=1e-5)
    assert not np.allclose(after.prior, before.prior)
    assert after.meta["prior"] == {"from": "mean posterior", "data": str(dev_dir), "utterances": 4}
    assert after.meta["train"] == before.meta["train"]


def test_program_computes_frame_stats_of_float_and_emulated_models(corpus, tmp_path, capsys):
    from cgs_asr.bin import compute_frame_stats, train_dnn
    train_dir, dev_dir = corpus
    data = [str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"), str(NUM_PDFS)]
    small = ["--hidden-layers", "1", "--hidden-dim", "16", "--context", "2", "--batch-size", "64", "--num-threads", "1"]
    train_dnn.main(data + [str(tmp_path / "dnn"), "--max-epochs", "2"] + small)
    train_dnn.main(data + [str(tmp_path / "q6"), "--init-model", str(tmp_path / "dnn"), "--ptq-bits", "6",
                           "--num-threads", "1"])
    capsys.readouterr()
    models = [str(tmp_path / "dnn"), str(tmp_path / "q6")]
    compute_frame_stats.main([str(dev_dir), str(dev_dir / "ali.ark")] + models
                             + ["--json", str(tmp_path / "float.json"), "--num-threads", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == models and all("480 frames" in line for line in lines)
    scores = json.loads((tmp_path / "float.json").read_text())
    saved = json.loads((tmp_path / "dnn" / "config.json").read_text())
    assert scores[models[0]]["accuracy"] == pytest.approx(saved["result"]["dev_frame_accuracy"])
    assert 0 < scores[models[0]]["likelihood_accuracy"] <= 1 and scores[models[0]]["entropy"] > 0
    compute_frame_stats.main([str(dev_dir), str(dev_dir / "ali.ark"), models[1], "--kernel", "fixed",
                              "--json", str(tmp_path / "fixed.json"), "--num-threads", "1"])
    fixed = json.loads((tmp_path / "fixed.json").read_text())[models[1]]
    assert fixed["frames"] == 480 and fixed["accuracy"] == pytest.approx(scores[models[1]]["accuracy"], abs=0.02)
    with pytest.raises(SystemExit):  # the engine runs quantized models only
        compute_frame_stats.main([str(dev_dir), str(dev_dir / "ali.ark"), models[0], "--kernel", "fixed"])
    assert "needs a quantized model" in capsys.readouterr().err


def test_program_distils_from_a_teacher_with_the_same_input(corpus, tmp_path, capsys):
    from cgs_asr.bin import train_dnn
    train_dir, dev_dir = corpus
    data = [str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"), str(NUM_PDFS)]
    small = ["--hidden-layers", "1", "--hidden-dim", "16", "--max-epochs", "1", "--batch-size", "64",
             "--num-threads", "1"]
    train_dnn.main(data + [str(tmp_path / "teacher"), "--context", "2"] + small)
    train_dnn.main(data + [str(tmp_path / "student"), "--context", "2", "--teacher-model", str(tmp_path / "teacher"),
                           "--distill-weight", "0.7"] + small)
    saved = json.loads((tmp_path / "student" / "config.json").read_text())["train"]
    assert (saved["teacher_model"], saved["distill_weight"]) == (str(tmp_path / "teacher"), 0.7)
    with pytest.raises(SystemExit):
        train_dnn.main(data + [str(tmp_path / "other"), "--context", "1", "--teacher-model",
                               str(tmp_path / "teacher")] + small)
    assert capsys.readouterr().err.strip() == (f"train_dnn: error: {tmp_path / 'teacher'}: teacher's left_context "
                                               f"is 2, the network's is 1")
    assert not (tmp_path / "other").exists()
    with pytest.raises(SystemExit):
        train_dnn.main(data + [str(tmp_path / "other"), "--distill-weight", "0.3"] + small)
    assert "--distill-weight needs --teacher-model" in capsys.readouterr().err


def test_program_trains_and_scores_with_per_utterance_cmvn(corpus, tmp_path, capsys):
    from cgs_asr.bin import compute_loglikes, train_dnn
    train_dir, dev_dir = corpus
    dirs = {}
    for name, src in (("train", train_dir), ("dev", dev_dir)):  # no cmvn.scp: per-utterance stats need none
        dirs[name] = copy_data_dir(src, tmp_path / name)
        (dirs[name] / "cmvn.scp").unlink()
    data = [str(dirs["train"]), str(train_dir / "ali.ark"), str(dirs["dev"]), str(dev_dir / "ali.ark"), str(NUM_PDFS)]
    small = ["--hidden-layers", "1", "--hidden-dim", "16", "--context", "2", "--max-epochs", "1", "--batch-size", "64",
             "--num-threads", "1"]
    train_dnn.main(data + [str(tmp_path / "dnn"), "--cmvn", "utterance"] + small)
    model = load_model_dir(tmp_path / "dnn")
    assert model.config.cmvn == "utterance"
    compute_loglikes.main([str(tmp_path / "dnn"), str(dirs["dev"]), str(tmp_path / "ll.ark"), "--num-threads", "1"])
    loglikes = dict(read_scp_matrices(read_table(tmp_path / "ll.scp")))
    utt, raw = next(iter(read_scp_matrices(read_table(dev_dir / "feats.scp"))))
    np.testing.assert_allclose(loglikes[utt], model.log_likelihoods(raw - raw.mean(0)), rtol=1e-4, atol=1e-4)
    # A teacher must want the same input: speaker CMVN does not teach an utterance-CMVN student.
    train_dnn.main([str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(dev_dir / "ali.ark"), str(NUM_PDFS),
                    str(tmp_path / "teacher")] + small)
    with pytest.raises(SystemExit):
        train_dnn.main(data + [str(tmp_path / "student"), "--cmvn", "utterance", "--teacher-model",
                               str(tmp_path / "teacher")] + small)
    assert capsys.readouterr().err.strip().endswith("teacher's cmvn is speaker, the network's is utterance")
    # Fine-tuning keeps the model's CMVN; asking for another is an error.
    with pytest.raises(SystemExit):
        train_dnn.main(data + [str(tmp_path / "tuned"), "--init-model", str(tmp_path / "dnn"), "--cmvn", "speaker",
                               "--max-epochs", "1", "--num-threads", "1"])
    assert capsys.readouterr().err.strip().endswith("trained with utterance CMVN, --cmvn asks for speaker")
    with pytest.raises(SystemExit):
        train_dnn.main(data + [str(tmp_path / "tuned"), "--init-model", str(tmp_path / "dnn"), "--context", "3",
                               "--max-epochs", "1", "--num-threads", "1"])
    assert capsys.readouterr().err.strip().endswith("trained with 2 + 2 frames of context, --context asks for 3")
    assert not (tmp_path / "tuned").exists()


def test_program_reports_bad_input_in_one_line(corpus, tmp_path, capsys):
    from cgs_asr.bin import train_dnn
    train_dir, dev_dir = corpus
    alignments = read_alignments(dev_dir / "ali.ark")
    alignments["spk2-utt005"] = alignments["spk2-utt005"][:10]
    write_alignments(tmp_path / "dev_ali.ark", alignments)
    with pytest.raises(SystemExit) as exit_info:
        train_dnn.main([str(train_dir), str(train_dir / "ali.ark"), str(dev_dir), str(tmp_path / "dev_ali.ark"),
                        str(NUM_PDFS), str(tmp_path / "m"), "--context", "2", "--num-threads", "1"])
    assert exit_info.value.code == 1
    error = capsys.readouterr().err.strip()
    assert error == (f"train_dnn: error: {tmp_path / 'dev_ali.ark'}: utterance 'spk2-utt005' has 10 frames "
                     f"of alignment but 60 frames of features")
    assert not (tmp_path / "m").exists()
