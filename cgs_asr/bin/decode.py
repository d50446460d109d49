"""Decode a data dir through HCLG with a GMM or DNN model dir, and score it.

The transition model comes from the GMM dir the graph was built for (by
default the graph dir's parent, as in Kaldi's exp/<gmm>/graph). With
--acwt-sweep, every scale is tried and the best by WER kept (use it on dev);
--acwt-from takes the scale that a previous decode dir kept (use it on test).
A DNN runs in floating point (--kernel float) or on the bit-exact fixed-point
engine emulator (--kernel fixed, for quantized models); for a DNN the decode
dir also gets hw_report.json and hw_report.txt (memory, MACs, and for the
fixed-point engine energy and power). --nj splits the utterances into jobs,
which --cmd runs forked (local) or on Slurm (logs in the decode dir's log/).
"""
import argparse
import json
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.data.datadir import load_data_dir
from cgs_asr.decode.datadir import decode_data_dir
from cgs_asr.decode.models import KERNELS, loglikes_function
from cgs_asr.decode.wfst import BEAM, DECODERS, LATTICE_BEAM, MAX_ACTIVE, WfstDecoder
from cgs_asr.gmm.model_io import load_model
from cgs_asr.jobs import add_job_options, jobs_from_args
from cgs_asr.lang.files import atomic_write_text
from cgs_asr.nnet.compression import hardware_report
from cgs_asr.parallel import split_evenly


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    scale = parser.add_mutually_exclusive_group()
    scale.add_argument("--acwt", type=float, default=1 / 12, help="acoustic scale (1 / LM weight)")
    scale.add_argument("--acwt-sweep", help="space-separated acoustic scales to try, e.g. '0.05 0.08 0.1 0.12'")
    scale.add_argument("--acwt-from", type=Path, help="a decode dir whose kept acoustic scale to use")
    parser.add_argument("--decoder", choices=DECODERS, default="faster",
                        help="search: faster (best path only, as decode-faster-mapped) or lattice-faster "
                             "(as latgen-faster-mapped; same best path, about 3x the search time)")
    parser.add_argument("--beam", type=float, default=BEAM)
    parser.add_argument("--lattice-beam", type=float, default=LATTICE_BEAM, help="lattice-faster only")
    parser.add_argument("--max-active", type=int, default=MAX_ACTIVE)
    add_job_options(parser)
    parser.add_argument("--kernel", choices=KERNELS, default="float",
                        help="DNN arithmetic: float (torch) or fixed (the engine emulator)")
    parser.add_argument("--gmm-dir", type=Path, help="GMM dir with the transition model (default: graph dir's parent)")
    parser.add_argument("graph_dir", type=Path)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("model_dir", type=Path, help="a GMM dir (final.npz) or a DNN dir (final.pt)")
    parser.add_argument("decode_dir", type=Path)
    args = parser.parse_args(argv)

    if args.acwt_sweep:
        scales = [float(s) for s in args.acwt_sweep.split()]
    elif args.acwt_from:
        scales = [json.loads((args.acwt_from / "decode.json").read_text())["acoustic_scale"]]
    else:
        scales = [args.acwt]
    gmm = load_model(args.gmm_dir or args.graph_dir.parent)
    data = load_data_dir(args.data_dir)
    jobs = jobs_from_args(args, __spec__.name, argv, args.decode_dir)
    own_utts = [utt for part in jobs.assigned(split_evenly(data.utts, args.nj)) for utt in part]
    loglikes, num_pdfs, dnn = loglikes_function(args.model_dir, data, args.kernel, own_utts)
    if num_pdfs != gmm.num_pdfs:
        raise ValueError(f"{args.model_dir}: {num_pdfs} pdfs, but the graph's GMM has {gmm.num_pdfs}")
    decoder = WfstDecoder.from_graph_dir(args.graph_dir, gmm.trans_model, decoder=args.decoder, beam=args.beam,
                                         lattice_beam=args.lattice_beam, max_active=args.max_active)
    settings = {"graph_dir": str(args.graph_dir), "model_dir": str(args.model_dir), "decoder": args.decoder,
                "beam": args.beam, "lattice_beam": args.lattice_beam, "max_active": args.max_active, "jobs": args.nj,
                "kernel": args.kernel}
    result = decode_data_dir(decoder, data, loglikes, args.decode_dir, scales, args.nj, settings=settings,
                             map_parts=jobs.map)
    if dnn is not None:
        report, table = hardware_report(dnn)
        atomic_write_text(args.decode_dir / "hw_report.json", json.dumps(report, indent=1) + "\n")
        atomic_write_text(args.decode_dir / "hw_report.txt", table + "\n")
    scores = f", %WER {result.wer:.2f}, %SER {result.ser:.2f}" if result.wer is not None else ""
    print(f"{args.decode_dir}: {result.utterances} utterances, acoustic scale {result.acoustic_scale:g}{scores}, "
          f"{result.seconds:.1f} s with {args.nj} jobs")


if __name__ == "__main__":
    main()
