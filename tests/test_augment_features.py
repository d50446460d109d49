"""On-the-fly filterbank augmentation in DNN training: frequency warping and masking."""
import pytest
import torch

from cgs_asr.nnet.augment import FeatureAugment, mask_bins, warp_bins
from cgs_asr.nnet.model import make_model
from cgs_asr.nnet.train import TrainConfig, TrainConfigError, train

from test_nnet import FEAT_DIM, TRAIN, frame_sets, corpus, small_config  # noqa: F401 (fixtures)


def ramp(n_frames=1, context=3, bins=8):
    return torch.arange(bins, dtype=torch.float32).repeat(n_frames, context, 1)


def test_warp_resamples_the_bin_axis_at_alpha_times_the_bin():
    frames = ramp(3)
    warped = warp_bins(frames, torch.tensor([1.0, 0.5, 1.5]))
    assert torch.equal(warped[0], frames[0])
    assert torch.allclose(warped[1, 0], torch.tensor([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]))
    # past the top bin the last one repeats
    assert torch.allclose(warped[2, 0], torch.tensor([0, 1.5, 3, 4.5, 6, 7, 7, 7]))
    # every context frame of one training frame gets the same warp
    assert torch.equal(warped[1, 0], warped[1, 2])


def test_mask_zeroes_one_band_of_at_most_max_width_bins_in_every_context_frame():
    frames = ramp(500) + 1  # no bin is 0 before masking
    masked = mask_bins(frames, 3, torch.Generator().manual_seed(0))
    zero = masked == 0
    assert torch.equal(zero[:, 0], zero[:, 2])
    widths = zero[:, 0].sum(dim=1)
    assert widths.max() == 3 and widths.min() == 0 and set(widths.tolist()) == {0, 1, 2, 3}
    for row in zero[:, 0]:  # one contiguous band
        where = row.nonzero().flatten()
        assert len(where) == 0 or where[-1] - where[0] + 1 == len(where)
    assert torch.equal(masked[~zero], frames[~zero])
    assert zero[:, 0, 0].any() and zero[:, 0, -1].any()  # bands reach both edges


def test_augment_is_a_deterministic_copy_for_a_generator_and_off_by_default():
    inputs = torch.randn(64, 3 * 8)
    kept = inputs.clone()
    augment = FeatureAugment(warp=0.2, freq_mask=3)
    first = augment(inputs, 8, torch.Generator().manual_seed(5))
    assert torch.equal(first, augment(inputs, 8, torch.Generator().manual_seed(5)))
    assert not torch.equal(first, augment(inputs, 8, torch.Generator().manual_seed(6)))
    assert torch.equal(inputs, kept) and not torch.equal(first, inputs)
    assert not FeatureAugment().active and TrainConfig().augment == FeatureAugment()


@pytest.mark.parametrize("field, value", [("aug_warp", 1.0), ("aug_warp", -0.1), ("aug_freq_mask", -1)])
def test_bad_augmentation_settings_are_refused(field, value):
    with pytest.raises(TrainConfigError, match=field.removeprefix("aug_")):
        TrainConfig(**{field: value})


def test_training_with_augmentation_learns_and_leaves_dev_frames_alone(frame_sets):
    train_set, dev_set = frame_sets
    dev_before = dev_set.feats.clone()
    config = TrainConfig(**{**TRAIN.to_dict(), "max_epochs": 3, "aug_warp": 0.1, "aug_freq_mask": 2})
    network = make_model(small_config(), seed=0)
    history = train(network, train_set, dev_set, config, progress=False)
    assert history[-1].dev_acc > 0.8
    assert torch.equal(dev_set.feats, dev_before)
    plain = train(make_model(small_config(), seed=0), train_set, dev_set,
                  TrainConfig(**{**TRAIN.to_dict(), "max_epochs": 1}), progress=False)
    assert plain[1].train_loss != history[1].train_loss  # the minibatches were perturbed
