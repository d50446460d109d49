"""CGS masks: geometry, equal blocks per row, selection, parametrization behaviour."""

import itertools
import json

import numpy as np
import pytest
import torch
from torch import nn

from cgs_asr.sparsity import (
    BlockGrid, BlockSparsity, CGSConfig, apply_cgs, find_block_mask, kept_per_row,
    linear_layers, measure_sparsity, select_blocks,
)
from cgs_asr.sparsity.gradual import GradualPruner, cubic_keep


def make_model(sizes=(37, 50, 29, 11), seed=0):
    torch.manual_seed(seed)
    mods = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        mods.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods)


def test_grid_edge_blocks_are_smaller_blocks():
    grid = BlockGrid(out_features=10, in_features=7, block_rows=4, block_cols=3)
    assert (grid.n_block_rows, grid.n_block_cols) == (3, 3)
    assert grid.row_range(2) == (8, 10) and grid.col_range(2) == (6, 7)
    sizes = grid.block_sizes()
    assert sizes.sum() == 70 and sizes[2, 2] == 2 and sizes[0, 0] == 12
    mask = torch.zeros(3, 3, dtype=torch.bool)
    mask[2, 2] = True
    assert grid.expand(mask).shape == (10, 7) and int(grid.expand(mask).sum()) == 2


@pytest.mark.parametrize("keep,cols,expected", [(0.25, 32, 8), (0.25, 28, 7), (0.5, 5, 3), (0.01, 5, 1), (1.0, 3, 3)])
def test_kept_per_row(keep, cols, expected):
    assert kept_per_row(keep, cols) == expected


def test_kept_per_row_rejects_bad_fraction():
    with pytest.raises(ValueError):
        kept_per_row(0.0, 4)


def test_balanced_selection_is_optimal_and_balanced():
    rng = np.random.default_rng(3)
    scores = rng.random((3, 4))
    mask = select_blocks(scores, per_row=2, balance_columns=True)
    assert (mask.sum(axis=1) == 2).all()
    assert mask.sum(axis=0).max() - mask.sum(axis=0).min() <= 1
    best = -1.0
    rows = [np.array([c in combo for c in range(4)]) for combo in itertools.combinations(range(4), 2)]
    for choice in itertools.product(rows, repeat=3):
        m = np.stack(choice)
        if m.sum(axis=0).max() - m.sum(axis=0).min() <= 1:
            best = max(best, scores[m].sum())
    assert scores[mask].sum() == pytest.approx(best)


def test_unbalanced_selection_takes_row_top_k():
    scores = np.array([[0.1, 0.9, 0.5], [0.7, 0.2, 0.8]])
    mask = select_blocks(scores, per_row=2)
    assert mask.tolist() == [[False, True, True], [True, False, True]]


@pytest.mark.parametrize("balance", [False, True])
def test_apply_cgs_equal_blocks_per_row(balance):
    model = make_model()
    config = CGSConfig(default=BlockSparsity(8, 8, keep=0.4, balance_columns=balance), seed=5)
    masks = apply_cgs(model, config)
    assert set(masks) == {0, 1, 2}
    for index, layer in enumerate(linear_layers(model)):
        blocks = masks[index].block_mask().numpy()
        per_row = blocks.sum(axis=1)
        assert (per_row == kept_per_row(0.4, blocks.shape[1])).all()
        if balance:
            assert np.ptp(blocks.sum(axis=0)) <= 1
        assert (layer.weight[~masks[index].mask] == 0).all()


def test_random_masks_are_seeded():
    a, b, c = make_model(), make_model(), make_model()
    apply_cgs(a, CGSConfig(seed=1, default=BlockSparsity(4, 4, 0.25)))
    apply_cgs(b, CGSConfig(seed=1, default=BlockSparsity(4, 4, 0.25)))
    apply_cgs(c, CGSConfig(seed=2, default=BlockSparsity(4, 4, 0.25)))
    masks = [[find_block_mask(l).mask for l in linear_layers(m)] for m in (a, b, c)]
    assert all(torch.equal(x, y) for x, y in zip(masks[0], masks[1]))
    assert not all(torch.equal(x, y) for x, y in zip(masks[0], masks[2]))


def test_dense_layer_override():
    model = make_model()
    apply_cgs(model, CGSConfig(default=BlockSparsity(4, 4, 0.25), layers={2: None}))
    layers = linear_layers(model)
    assert find_block_mask(layers[2]) is None and find_block_mask(layers[0]) is not None


def test_magnitude_selection_keeps_largest_blocks():
    layer = nn.Linear(8, 4, bias=False)
    with torch.no_grad():
        layer.weight.fill_(0.01)
        layer.weight[0:2, 4:6] = 5.0     # block (0, 2)
        layer.weight[2:4, 6:8] = -5.0    # block (1, 3), negative: magnitude counts
    model = nn.Sequential(layer)
    apply_cgs(model, CGSConfig(default=BlockSparsity(2, 2, keep=0.25), selection="magnitude"))
    blocks = find_block_mask(layer).block_mask()
    assert blocks.nonzero().tolist() == [[0, 2], [1, 3]]


def test_gradients_of_dropped_weights_stay_zero_and_sparsity_survives_training():
    model = make_model()
    apply_cgs(model, CGSConfig(default=BlockSparsity(8, 8, keep=0.25), seed=0))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    x, y = torch.randn(64, 37), torch.randint(0, 11, (64,))
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        for layer in linear_layers(model):
            original = layer.parametrizations.weight.original
            assert (original.grad[~find_block_mask(layer).mask] == 0).all()
        optimizer.step()
    for row, layer in zip(measure_sparsity(model), linear_layers(model)):
        grid = find_block_mask(layer).grid
        k = kept_per_row(0.25, grid.n_block_cols)
        assert row["zero_blocks"] == grid.n_block_rows * (grid.n_block_cols - k)
        assert row["nonzero_blocks_per_row"] == [k, k]


def test_state_dict_round_trip_restores_masks():
    model = make_model()
    apply_cgs(model, CGSConfig(default=BlockSparsity(8, 4, 0.3), seed=11))
    state = model.state_dict()
    assert "0.parametrizations.weight.0.mask" in state and "0.parametrizations.weight.0.block_shape" in state
    fresh = make_model(seed=1)
    apply_cgs(fresh, CGSConfig(default=BlockSparsity(8, 4, 0.3), seed=12))
    fresh.load_state_dict(state)
    x = torch.randn(5, 37)
    assert torch.equal(fresh(x), model(x))


def test_apply_twice_is_refused():
    model = make_model()
    apply_cgs(model, CGSConfig())
    with pytest.raises(ValueError):
        apply_cgs(model, CGSConfig())


def test_config_json_round_trip():
    config = CGSConfig(default=BlockSparsity(16, 8, 0.25, True), layers={0: None, 3: BlockSparsity(4, 4, 0.5)},
                       selection="magnitude", seed=9)
    assert CGSConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    gradual = CGSConfig(selection="gradual", prune_epochs=3)
    assert CGSConfig.from_dict(json.loads(json.dumps(gradual.to_dict()))) == gradual
    with pytest.raises(ValueError):
        CGSConfig(selection="lottery")
    with pytest.raises(ValueError, match="prune_epochs"):
        CGSConfig(selection="gradual")
    with pytest.raises(ValueError, match="prune_epochs"):
        CGSConfig(selection="random", prune_epochs=2)


# ---------------------------------------------------------------- gradual pruning

def test_cubic_schedule_falls_from_all_blocks_to_the_target():
    assert cubic_keep(0.0, 0.25) == 1.0 and cubic_keep(1.0, 0.25) == 0.25
    assert cubic_keep(0.5, 0.25) == 0.25 + 0.75 * 0.125
    assert cubic_keep(2.0, 0.25) == 0.25 and cubic_keep(-1.0, 0.25) == 1.0


def test_gradual_pruning_drops_the_smallest_blocks_for_good_and_ends_balanced():
    model = make_model()
    config = CGSConfig(default=BlockSparsity(8, 8, keep=0.25), selection="gradual", prune_epochs=1)
    apply_cgs(model, config)
    assert all(find_block_mask(layer).mask.all() for layer in linear_layers(model))
    first = linear_layers(model)[0]
    with torch.no_grad():  # block-row 0 of the first layer: block-column c has magnitude c + 1
        for c in range(5):
            first.parametrizations.weight.original[0:8, 8 * c:8 * c + 8] = c + 1.0
    pruner = GradualPruner(model, config, steps=6, interval=2)
    pruner(model, 2)  # keep 0.25 + 0.75 * (2/3)^3 of 5 block-columns: 2.47 -> 2 per row
    assert find_block_mask(first).block_mask()[0].tolist() == [False, False, False, True, True]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(64, 37), torch.randint(0, 11, (64,))
    kept_before = {i: find_block_mask(layer).block_mask() for i, layer in enumerate(linear_layers(model))}
    for step in range(3, 9):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()  # momentum moves the stored weights of dropped blocks
        pruner(model, step)
        for i, layer in enumerate(linear_layers(model)):
            masking = find_block_mask(layer)
            kept = masking.block_mask()
            assert not (kept & ~kept_before[i]).any()  # a dropped block never comes back
            counts = kept.sum(dim=1)
            assert (counts == counts[0]).all()         # the same number in every block-row
            assert (layer.parametrizations.weight.original[~masking.mask] == 0).all()
            kept_before[i] = kept
    for row, layer in zip(measure_sparsity(model), linear_layers(model)):
        k = kept_per_row(0.25, find_block_mask(layer).grid.n_block_cols)
        assert row["nonzero_blocks_per_row"] == [k, k]
