"""Align a data dir to its transcripts with a DNN's log-likelihoods (Kaldi's steps/nnet/align.sh).

The GMM dir gives the transition model and tree that the DNN's pdfs index
(the one whose alignment trained it) and makes the training graphs; the DNN
scores every frame of the data dir's own features (fbank for the recipes'
DNNs), after the normalisation and splicing it was trained with. Writes the
same files as cgs-align-gmm: <ali-dir>/ali.ark, ali.pdf.ark, align.json
(naming the DNN) and a copy of the GMM. The log-likelihoods of a job's
utterances are computed up front and held in memory (frames x pdfs x 4 bytes).
"""
import argparse

from cgs_asr.bin.align_gmm import add_alignment_arguments, print_summary
from cgs_asr.bin.common import program
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.decode.models import KERNELS, loglikes_function
from cgs_asr.gmm.align import AlignOptions
from cgs_asr.gmm.model_io import load_model
from cgs_asr.gmm.steps import align_data_dir
from cgs_asr.jobs import jobs_from_args
from cgs_asr.parallel import split_evenly


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    add_alignment_arguments(parser)
    parser.add_argument("--kernel", choices=KERNELS, default="float",
                        help="float, or fixed: a quantized DNN on the fixed-point engine emulator")
    parser.add_argument("gmm_dir", help="holds final.npz and final.json: the transition model and tree")
    parser.add_argument("dnn_dir", help="a model dir written by cgs-train-dnn")
    parser.add_argument("ali_dir")
    args = parser.parse_args(argv)
    jobs = jobs_from_args(args, __spec__.name, argv, args.ali_dir)
    data, gmm = load_data_dir(args.data_dir), load_model(args.gmm_dir)
    own_utts = [utt for part in jobs.assigned(split_evenly(data.utts, args.nj)) for utt in part]
    loglikes, num_pdfs, _ = loglikes_function(args.dnn_dir, data, args.kernel, own_utts)
    if num_pdfs != gmm.num_pdfs:
        raise ValueError(f"{args.dnn_dir}: the DNN has {num_pdfs} pdfs, the GMM in {args.gmm_dir} {gmm.num_pdfs}")
    summary = align_data_dir(data, args.lang_dir, gmm, args.ali_dir,
                             AlignOptions(beam=args.beam, retry_beam=args.retry_beam),
                             map_oov=args.map_oov, num_jobs=args.nj, map_parts=jobs.map, loglikes=loglikes,
                             scored_by=f"{args.dnn_dir} ({args.kernel})")
    print_summary(args.ali_dir, summary)


if __name__ == "__main__":
    main()
