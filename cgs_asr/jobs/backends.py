"""Scheduler backends, in the manner of Kaldi's slurm.pl: a job script, one log per job, wait, check.

``--cmd`` is a backend name and its own options, e.g. ``slurm -p cpu
--mem=4G --time=1:00:00`` (options go to ``sbatch``) or ``srun -p cpu``
(to every ``srun``). ``local`` (the default) runs no scripts: the program
forks its jobs itself (:func:`cgs_asr.parallel.fork_map`).

The job script takes the job number as ``$1`` or, in a Slurm array, from
``SLURM_ARRAY_TASK_ID``; it changes to the submitting directory, runs the
command with ``--job N`` appended, and writes everything it prints to
``<log_dir>/<name>.N.log`` between a start line and an exit-status line.
Success is decided by the caller from the jobs' result files, not from
scheduler exit codes, so a job that was killed or never ran counts as failed.
"""
from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from cgs_asr.atomic import atomic_write_text

BACKENDS = ("local", "slurm", "srun")


class JobError(ValueError):
    """A scheduled job failed, or the scheduler refused the jobs; the message names the logs."""


def parse_cmd(cmd: str) -> tuple[str, list[str]]:
    """``"slurm -p cpu"`` -> ``("slurm", ["-p", "cpu"])``."""
    words = shlex.split(cmd)
    if not words or words[0] not in BACKENDS:
        raise ValueError(f"--cmd '{cmd}': the first word must be one of {', '.join(BACKENDS)}")
    if words[0] == "local" and len(words) > 1:
        raise ValueError(f"--cmd '{cmd}': the local backend takes no options")
    return words[0], words[1:]


def write_job_script(path: Path, command: list[str], log_dir: Path, name: str) -> Path:
    """The script every job runs (see the module docstring)."""
    log = f"{shlex.quote(str(Path(log_dir).resolve()))}/{shlex.quote(name)}.$job.log"
    text = f"""#!/usr/bin/env bash
# {name}: written by cgs_asr; run as '{path.name} N' or as a Slurm array task
job=${{1:-$SLURM_ARRAY_TASK_ID}}
cd {shlex.quote(os.getcwd())} || exit 1
echo "# $(date) on $(hostname): job $job, run by $0" > {log}
{shlex.join(command)} --job "$job" >> {log} 2>&1
status=$?
echo "# $(date): exit status $status" >> {log}
exit $status
"""
    atomic_write_text(path, text)
    path.chmod(0o755)
    return path


def submit(backend: str, options: list[str], script: Path, num_jobs: int, name: str) -> None:
    """Run jobs 1..num_jobs of ``script`` on ``backend`` and wait for all of them."""
    queue_dir = script.parent
    if backend == "slurm":
        command = ["sbatch", "--wait", f"--array=1-{num_jobs}", f"--job-name={name}",
                   f"--output={queue_dir / (name + '.%a.out')}", *options, str(script)]
        _run([command], queue_dir / f"{name}.submit.log")
    elif backend == "srun":
        _run([["srun", f"--job-name={name}", *options, "bash", str(script), str(job)]
              for job in range(1, num_jobs + 1)], queue_dir / f"{name}.submit.log")
    else:
        raise ValueError(f"backend '{backend}' runs no job scripts")


def _run(commands: list[list[str]], log: Path) -> None:
    """Start the commands together, wait for all; their own output goes to ``log``.

    Exit codes are not judged here (the caller checks every job's result);
    only a scheduler command that cannot be started is an error.
    """
    with open(log, "w", encoding="utf-8") as out:
        try:
            procs = [subprocess.Popen(c, stdout=out, stderr=subprocess.STDOUT) for c in commands]
        except OSError as e:
            raise JobError(f"cannot run '{commands[0][0]}' ({e.strerror}): is the scheduler installed "
                           f"and on the PATH?") from None
        for proc, command in zip(procs, commands):
            status = proc.wait()
            out.write(f"# {shlex.join(command)}: exit status {status}\n")
