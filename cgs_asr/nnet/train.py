"""Frame-level cross-entropy training, with Kaldi nnet1's "newbob" or nnet3's exponential learning rate.

One epoch is a pass over all training frames in a seeded random order.
After each epoch the frame accuracy on the dev set decides (as Kaldi's
steps/nnet/train_scheduler.sh does with its loss): a worse epoch is rejected
(weights and optimizer state go back to the best epoch). The learning rate
follows ``lr_schedule``:

- "newbob" (nnet1): constant until the gain falls below
  ``start_halving_impr``, then halved every epoch; once the gain falls below
  ``end_halving_impr`` while halving, training stops;
- "exponential" (as nnet3's initial and final effective learning rates):
  from ``lr`` in the first epoch down to ``final_lr`` in epoch
  ``max_epochs`` by the same factor every epoch, for all ``max_epochs``.
  It gains faster in the first epochs; over the recipe's ten, newbob ended
  higher (README: what each gave).

The model is left with the best weights. The first ``accept_epochs``
epochs are kept whatever dev says (with newbob, at the starting learning
rate): during gradual pruning the network loses weights, so an epoch may
be worse than the denser one before it and still be the one to build on;
the epochs after them are judged against the last of them.

The loop only calls the model's forward and the optimizer, and saves or
restores ``state_dict``s, so Linear weights that carry parametrizations
(block masks, fake quantization) train unchanged. ``on_step`` and
``on_epoch_end`` let such extensions act during training (e.g. calibration).

With a ``teacher`` network and ``distill_weight`` > 0 the loss mixes the
alignment's cross-entropy with the KL divergence from the teacher's
posteriors on the same (augmented) input, at ``distill_temperature``
(teacher-student training, Li et al. 2014; Hinton et al. 2015): a CGS or
fixed-point network learns the dense network's soft decisions, which carry
more than one pdf-id per frame. The logged train loss is still the
cross-entropy against the alignment, comparable with dev.

Under ``torchrun`` the minibatches are shared out among the processes
(:mod:`cgs_asr.nnet.distributed`); only rank 0 writes the log.
"""
from __future__ import annotations

import copy
import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from cgs_asr.nnet.augment import FeatureAugment
from cgs_asr.nnet.dataset import FrameSet
from cgs_asr.nnet.distributed import rank_and_world, sum_over_ranks
from cgs_asr.nnet.frame_stats import frame_stats
from cgs_asr.nnet.model import eval_mode

log = logging.getLogger(__name__)

OPTIMIZERS = ("adam", "sgd")
LR_SCHEDULES = ("newbob", "exponential")


class TrainConfigError(ValueError):
    """A training config that cannot be run."""


@dataclass
class TrainConfig:
    optimizer: str = "adam"           # "adam", or "sgd" with momentum (then lr ~0.05)
    lr: float = 1e-3
    momentum: float = 0.9             # sgd only
    batch_size: int = 512
    max_epochs: int = 12
    lr_schedule: str = "newbob"        # or "exponential"
    start_halving_impr: float = 0.005  # newbob: dev frame-accuracy gain (absolute) below which lr halves
    end_halving_impr: float = 0.001    # newbob: gain below which training stops, once halving
    final_lr: float | None = None      # exponential: the last epoch's lr (default lr / 16)
    seed: int = 0
    num_threads: int = 2               # with other jobs on the cores: 1, or OMP_WAIT_POLICY=PASSIVE
    aug_warp: float = 0.0              # filterbank inputs: frequency warp factor in 1 +- aug_warp
    aug_freq_mask: int = 0             # filterbank inputs: widest band of bins set to 0
    distill_weight: float = 0.0        # weight of the teacher's KL term (0: alignment only, 1: teacher only)
    distill_temperature: float = 1.0   # softmax temperature of teacher and student in that term
    accept_epochs: int = 0             # the first epochs are kept whatever dev says (gradual pruning)

    def __post_init__(self):
        if self.optimizer not in OPTIMIZERS:
            raise TrainConfigError(f"unknown optimizer '{self.optimizer}' (one of {', '.join(OPTIMIZERS)})")
        if self.lr_schedule not in LR_SCHEDULES:
            raise TrainConfigError(f"unknown learning-rate schedule '{self.lr_schedule}' "
                                   f"(one of {', '.join(LR_SCHEDULES)})")
        if self.final_lr is not None and (self.lr_schedule != "exponential" or not 0 < self.final_lr <= self.lr):
            raise TrainConfigError(f"training config: final_lr goes with the exponential schedule and lies in "
                                   f"(0, lr = {self.lr:g}], not {self.final_lr:g}")
        for name in ("lr", "batch_size", "max_epochs", "num_threads"):
            if getattr(self, name) <= 0:
                raise TrainConfigError(f"training config: {name} must be positive, not {getattr(self, name)}")
        if not 0 <= self.accept_epochs <= self.max_epochs:
            raise TrainConfigError(f"training config: accept_epochs must lie in [0, max_epochs = {self.max_epochs}], "
                                   f"not {self.accept_epochs}")
        if not 0.0 <= self.distill_weight <= 1.0:
            raise TrainConfigError(f"training config: distill_weight must lie in [0, 1], not {self.distill_weight}")
        if self.distill_temperature <= 0:
            raise TrainConfigError(f"training config: distill_temperature must be positive, "
                                   f"not {self.distill_temperature}")
        try:
            self.augment
        except ValueError as error:
            raise TrainConfigError(f"training config: {error}") from None

    @property
    def augment(self) -> FeatureAugment:
        return FeatureAugment(self.aug_warp, self.aug_freq_mask)

    def epoch_lr(self, epoch: int) -> float:
        """The exponential schedule's learning rate in ``epoch`` (1-based)."""
        final = self.lr / 16 if self.final_lr is None else self.final_lr
        return self.lr * (final / self.lr) ** ((epoch - 1) / max(self.max_epochs - 1, 1))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class EpochStats:
    epoch: int             # 0: the dev set scored before training
    lr: float
    train_loss: float
    train_acc: float
    dev_loss: float
    dev_acc: float
    seconds: float
    frames_per_s: float
    accepted: bool

    def line(self) -> str:
        if self.epoch == 0:
            return f"epoch 0 (before training): dev loss {self.dev_loss:.4f} acc {100 * self.dev_acc:.2f}%"
        return (f"epoch {self.epoch}: lr {self.lr:.3g} train loss {self.train_loss:.4f} "
                f"acc {100 * self.train_acc:.2f}% dev loss {self.dev_loss:.4f} acc {100 * self.dev_acc:.2f}% "
                f"{'accepted' if self.accepted else 'rejected'} {self.seconds:.1f} s "
                f"{self.frames_per_s:.0f} frames/s")


def evaluate(network: nn.Module, frames: FrameSet, batch_size: int = 8192) -> tuple[float, float]:
    """Mean cross-entropy and frame accuracy over all frames, in eval mode."""
    stats = frame_stats(network, frames, batch_size=batch_size)
    return stats.cross_entropy, stats.accuracy


def train(network: nn.Module, train_set: FrameSet, dev_set: FrameSet, config: TrainConfig,
          log_path: Path | None = None, progress: bool = True,
          on_step: Callable[[nn.Module, int], None] | None = None,
          on_epoch_end: Callable[[nn.Module, EpochStats], None] | None = None,
          teacher: nn.Module | None = None) -> list[EpochStats]:
    """Train ``network`` in place, leave it with the best dev weights; return the per-epoch stats.

    ``on_step(network, step)`` runs after every optimizer step, ``on_epoch_end(network,
    stats)`` after every epoch's accept/reject. ``teacher`` (in eval mode, not trained)
    is needed when ``config.distill_weight`` > 0. Deterministic for a fixed config.
    """
    if config.distill_weight > 0 and teacher is None:
        raise TrainConfigError("training config: distill_weight > 0 needs a teacher network")
    distill = Distillation(teacher.eval(), config.distill_weight, config.distill_temperature) \
        if config.distill_weight > 0 else None
    torch.set_num_threads(config.num_threads)
    rank, world = rank_and_world()
    trained = DistributedDataParallel(network) if world > 1 else network
    order = torch.Generator().manual_seed(config.seed)
    augment = (config.augment, torch.Generator().manual_seed(config.seed + 1)) if config.augment.active else None
    optimizer = (torch.optim.Adam(network.parameters(), lr=config.lr) if config.optimizer == "adam" else
                 torch.optim.SGD(network.parameters(), lr=config.lr, momentum=config.momentum))
    log_file = open(log_path, "w", encoding="utf-8") if log_path and rank == 0 else None

    def report(line: str) -> None:
        if rank == 0:
            log.info("%s", line)
        if log_file:
            log_file.write(line + "\n")
            log_file.flush()

    dev_loss, best_acc = evaluate(network, dev_set)
    history = [EpochStats(0, config.lr, float("nan"), float("nan"), dev_loss, best_acc, 0.0, 0.0, True)]
    report(history[0].line())
    best = copy.deepcopy((network.state_dict(), optimizer.state_dict()))
    lr, halving, step = config.lr, False, 0
    try:
        for epoch in range(1, config.max_epochs + 1):
            for group in optimizer.param_groups:
                group["lr"] = lr
            start = time.perf_counter()
            train_loss, train_acc, step = _train_epoch(trained, train_set, optimizer, config.batch_size, order,
                                                       augment, distill, step, on_step, f"epoch {epoch}",
                                                       progress and rank == 0)
            seconds = time.perf_counter() - start
            dev_loss, dev_acc = evaluate(network, dev_set)
            gain = dev_acc - best_acc
            forced = epoch <= config.accept_epochs
            if gain > 0 or forced:
                best_acc = dev_acc
                best = copy.deepcopy((network.state_dict(), optimizer.state_dict()))
            else:
                network.load_state_dict(best[0])
                optimizer.load_state_dict(best[1])
            stats = EpochStats(epoch, lr, train_loss, train_acc, dev_loss, dev_acc, seconds,
                               len(train_set) / seconds, gain > 0 or forced)
            history.append(stats)
            report(stats.line())
            if on_epoch_end:
                on_epoch_end(network, stats)
            if config.lr_schedule == "exponential":
                lr = config.epoch_lr(epoch + 1)
                continue
            if forced:
                continue
            if halving and gain < config.end_halving_impr:
                break
            halving = halving or gain < config.start_halving_impr
            lr = lr / 2 if halving else lr
        network.load_state_dict(best[0])
        kept = best_epoch(history)
        report(f"finished after {len(history) - 1} epochs: best epoch {kept.epoch}, "
               f"dev frame accuracy {100 * kept.dev_acc:.2f}%")
    finally:
        if log_file:
            log_file.close()
    return history


def best_epoch(history: list[EpochStats]) -> EpochStats:
    """The epoch whose weights training kept: the last accepted one (each beat those before, or was forced)."""
    return [s for s in history if s.accepted][-1]


@dataclass
class Distillation:
    teacher: nn.Module
    weight: float
    temperature: float

    def loss(self, inputs: torch.Tensor, logits: torch.Tensor, hard_loss: torch.Tensor) -> torch.Tensor:
        """The mixed loss, summed over frames; the KL term scaled by T^2 so its gradients keep their size."""
        with torch.no_grad():
            teacher_log_probs = nn.functional.log_softmax(self.teacher(inputs) / self.temperature, dim=1)
        kl = nn.functional.kl_div(nn.functional.log_softmax(logits / self.temperature, dim=1), teacher_log_probs,
                                  reduction="sum", log_target=True)
        return (1 - self.weight) * hard_loss + self.weight * self.temperature ** 2 * kl


def _train_epoch(network: nn.Module, frames: FrameSet, optimizer: torch.optim.Optimizer, batch_size: int,
                 order: torch.Generator, augment: tuple[FeatureAugment, torch.Generator] | None,
                 distill: Distillation | None, step: int, on_step, desc: str,
                 progress: bool) -> tuple[float, float, int]:
    """One shuffled pass; returns mean loss, frame accuracy (before each update) and the step count.

    ``augment``, if given, perturbs every minibatch with its own generator (see :mod:`cgs_asr.nnet.augment`);
    ``distill``, if given, mixes the teacher's posteriors into the loss.

    With several ranks each takes its share of every minibatch (see :mod:`cgs_asr.nnet.distributed`).
    """
    network.train()
    rank, world = rank_and_world()
    permutation = torch.randperm(len(frames), generator=order).numpy()
    loss_sum = correct = 0.0
    bar = tqdm(range(0, len(frames), batch_size), desc=desc, unit="batch", leave=False,
               disable=None if progress else True)
    for start in bar:
        batch = permutation[start:start + batch_size]
        share = batch[rank::world]
        weight = world / len(batch)
        if len(share) == 0:  # fewer frames than ranks: take part in the gradient exchange with weight 0
            share, weight = batch[:1], 0.0
        inputs, targets = frames.batch(share)
        if augment:
            inputs = augment[0](inputs, frames.feat_dim, augment[1])
        logits = network(inputs)
        loss = nn.functional.cross_entropy(logits, targets, reduction="sum")
        objective = distill.loss(inputs, logits, loss) if distill else loss
        optimizer.zero_grad(set_to_none=True)
        (objective * weight).backward()
        optimizer.step()
        step += 1
        if on_step:
            on_step(getattr(network, "module", network), step)
        if weight:
            loss_sum += loss.item()
            correct += (logits.argmax(dim=1) == targets).sum().item()
        if step % 50 == 0 and world == 1:
            bar.set_postfix(loss=f"{loss_sum / (start + len(targets)):.3f}",
                            acc=f"{correct / (start + len(targets)):.3f}")
    loss_sum, correct = sum_over_ranks(loss_sum, correct)
    return loss_sum / len(frames), correct / len(frames), step
