"""Running the per-utterance parts of a program as jobs: forked locally, or on Slurm.

See :mod:`cgs_asr.jobs.runner` for how a program splits its work and merges
the results, and :mod:`cgs_asr.jobs.backends` for the scheduler side.
"""
from .backends import BACKENDS, JobError
from .runner import Jobs, add_job_options, jobs_from_args

__all__ = ["BACKENDS", "JobError", "Jobs", "add_job_options", "jobs_from_args"]
