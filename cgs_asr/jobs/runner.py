"""Split a program's per-utterance work into jobs and gather their results, locally or on a scheduler.

A library function that works per utterance computes its parts (e.g. the
utterances of a data dir split evenly), maps a part function over them with
``map_parts`` and merges the plain-data results (numbers, strings, lists,
numpy arrays) itself. A program passes ``Jobs(...).map`` as ``map_parts``:

- ``--cmd local`` (default): the parts run in forked processes (``fork_map``);
- ``--cmd slurm ...`` / ``--cmd srun ...``: the program submits one job per
  part, each running the same program with the same arguments plus
  ``--job N``; job N computes the same parts (the split must be
  deterministic and write nothing a job could race on), runs only part N,
  saves its result as JSON and exits (:class:`JobFinished`); the submitting
  program waits, reads the results in order and carries on exactly as after
  the local map. This is Kaldi's way (the same program on split N of the
  data, outputs merged afterwards) without shipping Kaldi's C++ objects
  anywhere: each job builds its own.

Files, under the program's output dir: ``log/<name>.N.log`` (what job N
printed), ``log/q/<name>.sh`` (the job script), ``log/q/<name>.N.json`` (job
N's result), and the scheduler's own output in ``log/q/``.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from cgs_asr.atomic import atomic_write_text
from cgs_asr.jobs.backends import JobError, parse_cmd, submit, write_job_script
from cgs_asr.parallel import fork_map

T = TypeVar("T")
R = TypeVar("R")


class JobFinished(SystemExit):
    """Raised inside job N once its result is saved: the program ends there with status 0."""

    def __init__(self):
        super().__init__(0)


def add_job_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nj", type=int, default=1, help="number of jobs")
    parser.add_argument("--cmd", default="local",
                        help="'local' (forked processes), or 'slurm [sbatch options]' or 'srun [srun options]'")
    parser.add_argument("--job", type=int, help=argparse.SUPPRESS)  # set by the job scripts


def jobs_from_args(args: argparse.Namespace, module: str, argv: list[str], work_dir: Path) -> "Jobs":
    """The ``Jobs`` of a program whose options came from ``add_job_options``; ``module`` runs it (``-m``)."""
    if args.nj < 1:
        raise ValueError(f"--nj must be positive, not {args.nj}")
    backend, options = parse_cmd(args.cmd)
    return Jobs(args.nj, backend, options, args.job, Path(work_dir), module, list(argv))


@dataclass
class Jobs:
    num_jobs: int = 1
    backend: str = "local"
    options: list[str] = field(default_factory=list)
    job: int | None = None          # 1-based, inside a scheduled job
    work_dir: Path | None = None
    module: str = ""
    argv: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.module.rsplit(".", 1)[-1]

    def _result_path(self, job: int) -> Path:
        return self.work_dir / "log" / "q" / f"{self.name}.{job}.json"

    def assigned(self, parts: Sequence[T]) -> list[T]:
        """The parts this process computes itself: all (local), none (submitting) or its own (job N)."""
        if self.job is not None:
            return [parts[self.job - 1]]
        return list(parts) if self.backend == "local" else []

    def map(self, fn: Callable[[T], R], parts: Sequence[T]) -> list[R]:
        """``[fn(part) for part in parts]``, run as described in the module docstring."""
        if self.job is not None:
            if not 1 <= self.job <= len(parts):
                raise ValueError(f"--job {self.job}: there are {len(parts)} parts")
            result = json.dumps(fn(parts[self.job - 1]), default=_plain)
            atomic_write_text(self._result_path(self.job), result)
            raise JobFinished()
        if self.backend == "local" or not parts:
            return fork_map(fn, parts)
        return self._scheduled(len(parts))

    def _scheduled(self, num_parts: int) -> list:
        log_dir = self.work_dir / "log"
        (log_dir / "q").mkdir(parents=True, exist_ok=True)
        for job in range(1, num_parts + 1):
            self._result_path(job).unlink(missing_ok=True)
        script = write_job_script(log_dir / "q" / f"{self.name}.sh",
                                  [sys.executable, "-m", self.module, *self.argv], log_dir, self.name)
        submit(self.backend, self.options, script, num_parts, self.name)
        failed = [job for job in range(1, num_parts + 1) if not self._result_path(job).is_file()]
        if failed:
            first = log_dir / f"{self.name}.{failed[0]}.log"
            raise JobError(f"{len(failed)} of {num_parts} jobs failed ({', '.join(map(str, failed))}); "
                           f"see {first}{_last_lines(first)}")
        return [json.loads(self._result_path(job).read_text(encoding="utf-8")) for job in range(1, num_parts + 1)]


def _plain(value):
    """JSON for numpy values in job results."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"a job result holds {type(value).__name__}, which is not plain data")


def _last_lines(log: Path, n: int = 3) -> str:
    """The end of a job's log (the error it printed), or why there is none."""
    if not log.is_file():
        return " (no log: the job never started; see the scheduler's output in log/q/)"
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return ", which ends:\n  " + "\n  ".join(lines[-n:])
