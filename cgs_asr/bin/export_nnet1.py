"""Export a float model dir for Kaldi's nnet1 tools (nnet-forward, steps/nnet/decode.sh).

Writes <out-dir>/final.nnet (AffineTransform, ParametricRelu or Sigmoid,
Softmax; CGS-dropped blocks as zeros), final.feature_transform (the Splice),
ali_train_pdf.counts (the prior, for --class-frame-counts) and cmvn_opts (for
apply-cmvn). Quantized models are refused: run them with
cgs-compute-loglikes --kernel fixed.
"""
import argparse
import logging
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.nnet.compression import load_acoustic_model
from cgs_asr.nnet.kaldi_nnet1 import NNET_FILE, write_nnet1_dir


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", type=Path, help="a model dir written by cgs-train-dnn")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    model = load_acoustic_model(args.model_dir)
    frames = model.meta.get("data", {}).get("train_frames")
    if not frames:
        raise ValueError(f"{args.model_dir / 'config.json'}: no data.train_frames (needed for the pdf counts)")
    write_nnet1_dir(model, args.out_dir, frames)
    log = logging.getLogger("export_nnet1")
    log.info("wrote %s (%s and its companions)", args.out_dir, NNET_FILE)
    if model.config.cmvn == "utterance":
        log.warning("%s was trained with per-utterance CMVN: give Kaldi a data dir in which every utterance is its "
                    "own speaker (utils/data/modify_speaker_info.sh --utts-per-spk-max 1)", args.model_dir)


if __name__ == "__main__":
    main()
