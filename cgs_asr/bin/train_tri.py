"""Train a triphone GMM-HMM from a monophone alignment (Kaldi's steps/train_deltas.sh), then realign.

Grows a phonetic decision tree on the alignment in <ali-dir> (made by
cgs-train-mono or cgs-align-gmm, which also holds the model), and writes
<exp-dir>/final.{npz,json}, train.json, ali.ark, ali.pdf.ark and align.json.
"""
import argparse
import dataclasses

from cgs_asr.bin.common import program
from cgs_asr.gmm.steps import train_tri_dir
from cgs_asr.gmm.tri import TRI_SCHEDULE, TriConfig


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--num-leaves", type=int, default=TriConfig.num_leaves, help="number of tied states (pdfs)")
    parser.add_argument("--min-gain", type=float, default=TriConfig.min_gain,
                        help="log-likelihood gain a tree split needs")
    parser.add_argument("--total-gauss", type=int, default=TRI_SCHEDULE.total_gauss)
    parser.add_argument("--num-iters", type=int, default=TRI_SCHEDULE.num_iters)
    parser.add_argument("--max-iter-inc", type=int, default=TRI_SCHEDULE.max_iter_inc)
    parser.add_argument("--seed", type=int, default=0, help="seeds the splitting of Gaussians")
    parser.add_argument("--nj", type=int, default=1, help="parallel alignment jobs")
    parser.add_argument("--map-oov", action="store_true",
                        help="map transcript words missing from words.txt to the lang's OOV word")
    parser.add_argument("data_dir")
    parser.add_argument("lang_dir")
    parser.add_argument("ali_dir", help="monophone alignment: ali.ark and final.{npz,json}")
    parser.add_argument("exp_dir")
    args = parser.parse_args(argv)
    schedule = dataclasses.replace(TRI_SCHEDULE, num_iters=args.num_iters, max_iter_inc=args.max_iter_inc,
                                   total_gauss=args.total_gauss, num_jobs=args.nj)
    config = TriConfig(schedule, num_leaves=args.num_leaves, min_gain=args.min_gain, seed=args.seed)
    result = train_tri_dir(args.data_dir, args.lang_dir, args.ali_dir, args.exp_dir, config, map_oov=args.map_oov)
    last = result.history[-1]
    print(f"{args.exp_dir}: {result.model.num_pdfs} pdfs, {result.model.num_gauss} Gaussians, "
          f"log-likelihood per frame {last.loglike_per_frame:.3f} on {len(result.alignments)} utterances")


if __name__ == "__main__":
    main()
