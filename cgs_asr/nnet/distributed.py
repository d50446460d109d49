"""Data-parallel training across processes started by ``torchrun`` (CPU: the gloo backend).

Every process (rank) holds the whole training set and draws the same
shuffled order from the same seed; each minibatch is dealt out to the ranks
(frames ``rank, rank + world, ...`` of it) and DistributedDataParallel
averages their gradients. Each rank scales its summed loss by ``world /
len(batch)``, so the averaged gradient is exactly the gradient of the whole
minibatch's mean loss: the updates are those of one process training on the
same minibatches, up to floating-point summation order. Dev evaluation runs
on every rank over the whole dev set, so all ranks take the same
accept / reject / halving decisions; rank 0 alone writes files.
"""
from __future__ import annotations

import os

import torch
import torch.distributed as dist


def init_from_env() -> None:
    """Join the process group when launched by torchrun (WORLD_SIZE > 1); otherwise do nothing."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group("gloo")


def finish() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def rank_and_world() -> tuple[int, int]:
    if dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def is_main() -> bool:
    return rank_and_world()[0] == 0


def sum_over_ranks(*values: float) -> list[float]:
    """Each value summed over all ranks (the values themselves in a single process)."""
    if not dist.is_initialized():
        return list(values)
    tensor = torch.tensor(values, dtype=torch.float64)
    dist.all_reduce(tensor)
    return tensor.tolist()
