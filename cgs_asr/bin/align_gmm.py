"""Align a data dir to its transcripts with a GMM-HMM (Kaldi's steps/align_si.sh).

Writes <ali-dir>/ali.ark (transition-ids), ali.pdf.ark (pdf-ids), align.json
and a copy of the model, final.{npz,json}. --nj splits the utterances into
jobs, which --cmd runs forked (local) or on Slurm (logs in <ali-dir>/log/).
"""
import argparse

from cgs_asr.bin.common import program
from cgs_asr.gmm.align import AlignOptions
from cgs_asr.gmm.model_io import load_model
from cgs_asr.gmm.steps import AlignSummary, align_data_dir
from cgs_asr.jobs import add_job_options, jobs_from_args


def add_alignment_arguments(parser: argparse.ArgumentParser) -> None:
    """Beams, jobs, OOV mapping, and the data and lang dirs: what every aligner takes first."""
    parser.add_argument("--beam", type=float, default=AlignOptions.beam)
    parser.add_argument("--retry-beam", type=float, default=AlignOptions.retry_beam)
    add_job_options(parser)
    parser.add_argument("--map-oov", action="store_true",
                        help="map transcript words missing from words.txt to the lang's OOV word")
    parser.add_argument("data_dir")
    parser.add_argument("lang_dir")


def print_summary(ali_dir: str, summary: AlignSummary) -> None:
    print(f"{ali_dir}: aligned {summary.utterances - len(summary.failed)} of {summary.utterances} "
          f"utterances ({summary.retried} with the retry beam), {summary.frames} frames, "
          f"log-likelihood per frame {summary.loglike_per_frame:.3f}, {summary.seconds:.1f} s")


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    add_alignment_arguments(parser)
    parser.add_argument("model_dir", help="holds final.npz and final.json")
    parser.add_argument("ali_dir")
    args = parser.parse_args(argv)
    jobs = jobs_from_args(args, __spec__.name, argv, args.ali_dir)
    summary = align_data_dir(args.data_dir, args.lang_dir, load_model(args.model_dir), args.ali_dir,
                             AlignOptions(beam=args.beam, retry_beam=args.retry_beam),
                             map_oov=args.map_oov, num_jobs=args.nj, map_parts=jobs.map)
    print_summary(args.ali_dir, summary)


if __name__ == "__main__":
    main()
