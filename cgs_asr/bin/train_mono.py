"""Train a monophone GMM-HMM from a flat start (Kaldi's steps/train_mono.sh), then align the whole data dir.

Writes <exp-dir>/final.{npz,json}, train.json, ali.ark, ali.pdf.ark and align.json.
"""
import argparse
import dataclasses

from cgs_asr.bin.common import program
from cgs_asr.gmm.feats import FeatureSpec
from cgs_asr.gmm.mono import MONO_SCHEDULE, MonoConfig
from cgs_asr.gmm.steps import SUBSETS, train_mono_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--num-iters", type=int, default=MONO_SCHEDULE.num_iters)
    parser.add_argument("--max-iter-inc", type=int, default=MONO_SCHEDULE.max_iter_inc,
                        help="mix up Gaussians until this iteration")
    parser.add_argument("--total-gauss", type=int, default=MONO_SCHEDULE.total_gauss,
                        help="target number of Gaussians over all pdfs")
    parser.add_argument("--max-utts", type=int, help="train on this many utterances (all if not given)")
    parser.add_argument("--subset", choices=SUBSETS, default="shortest",
                        help="which utterances --max-utts keeps")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the equal alignment's paths and the splitting of Gaussians")
    parser.add_argument("--nj", type=int, default=1, help="parallel alignment jobs")
    parser.add_argument("--map-oov", action="store_true",
                        help="map transcript words missing from words.txt to the lang's OOV word")
    parser.add_argument("--norm-vars", action="store_true", help="CMVN also normalises variances")
    parser.add_argument("data_dir")
    parser.add_argument("lang_dir")
    parser.add_argument("exp_dir")
    args = parser.parse_args(argv)
    schedule = dataclasses.replace(MONO_SCHEDULE, num_iters=args.num_iters, max_iter_inc=args.max_iter_inc,
                                   total_gauss=args.total_gauss, num_jobs=args.nj)
    config = MonoConfig(schedule, seed=args.seed)
    result = train_mono_dir(args.data_dir, args.lang_dir, args.exp_dir, config, max_utts=args.max_utts,
                            subset=args.subset, map_oov=args.map_oov,
                            feature_spec=FeatureSpec(norm_vars=args.norm_vars))
    last = result.history[-1]
    print(f"{args.exp_dir}: {result.model.num_pdfs} pdfs, {result.model.num_gauss} Gaussians, "
          f"log-likelihood per frame {last.loglike_per_frame:.3f} on {len(result.alignments)} utterances")


if __name__ == "__main__":
    main()
