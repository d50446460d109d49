"""CPU use of the GMM stage: forked jobs, and one BLAS thread per process.

The GMM work is many small matrix products (a few hundred frames by a few
thousand Gaussians): OpenBLAS's threads gain little on them and, when jobs
or other programs share the cores, spin against each other and run up to
30x slower (measured). So every step runs BLAS single-threaded
(:func:`single_threaded_blas`) and gets its parallelism from jobs.

Forking lets each job inherit the parent's Kaldi objects (model, training
graphs, features) as they are, with nothing pickled on the way in: those
objects are C++ state that cannot cross a pipe. Only the results come back,
and they must be plain data (numbers, strings, numpy arrays).
"""
from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

from threadpoolctl import threadpool_limits

T = TypeVar("T")
R = TypeVar("R")


def _child(fn, item, conn) -> None:
    try:
        conn.send(("ok", fn(item)))
    except BaseException as e:  # noqa: BLE001  (everything goes back to the parent)
        try:
            conn.send(("error", e))
        except Exception:  # the exception itself could not be pickled
            conn.send(("error", RuntimeError(traceback.format_exc())))
    finally:
        conn.close()


def fork_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(item) for item in items]``, one forked process per item (in-process for a single item).

    An exception in a job is raised again in the parent, after every job ended.
    """
    if len(items) <= 1:
        return [fn(item) for item in items]
    ctx = multiprocessing.get_context("fork")
    jobs = []
    for item in items:
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(fn, item, sender), daemon=True)
        proc.start()
        sender.close()
        jobs.append((proc, receiver))
    results, error = [], None
    for proc, receiver in jobs:
        try:
            status, value = receiver.recv()
        except EOFError:
            proc.join()
            status, value = "error", RuntimeError(f"a forked job died (exit code {proc.exitcode})")
        proc.join()
        if status == "error" and error is None:
            error = value
        results.append(value)
    if error is not None:
        raise error
    return results


def split_evenly(items: Sequence[T], num_parts: int) -> list[Sequence[T]]:
    """``num_parts`` contiguous slices (fewer if there are fewer items), sizes differing by at most one."""
    num_parts = max(1, min(num_parts, len(items)))
    bounds = [len(items) * k // num_parts for k in range(num_parts + 1)]
    return [items[bounds[k]:bounds[k + 1]] for k in range(num_parts)]


def single_threaded_blas():
    """Context manager: BLAS uses one thread in this process (and in processes forked inside it)."""
    return threadpool_limits(limits=1, user_api="blas")
