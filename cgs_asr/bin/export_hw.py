"""Export a quantized model dir for the hardware engine: memory images, golden vectors, cost report.

The golden vectors are the first --frames frames of the data dir (CMVN,
splicing and input quantization as in decoding) and the emulator's integer
logits for them. Writes into <out-dir>: layer<i>_<memory>.hex, golden_input.hex,
golden_output.hex, manifest.json (last: its presence means the export is
complete), hw_report.json and hw_report.txt.
"""
import argparse
import json
import logging
from pathlib import Path

import numpy as np

from cgs_asr.bin.common import program
from cgs_asr.features.splice import splice_feats
from cgs_asr.hw import export_memory_images
from cgs_asr.lang.files import atomic_write_text
from cgs_asr.nnet.compression import emulated_model, hardware_report, load_acoustic_model
from cgs_asr.nnet.dataset import model_inputs


@program
def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", type=Path, help="a model dir trained with --qat-bits or --ptq-bits")
    parser.add_argument("data_dir", type=Path, help="a data dir with feats.scp (and cmvn.scp for per-speaker CMVN)")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--frames", type=int, default=16, help="golden frames, from the first utterances")
    args = parser.parse_args(argv)
    if args.frames < 1:
        raise ValueError(f"--frames must be positive, not {args.frames}")

    model = emulated_model(load_acoustic_model(args.model_dir))
    config, int_model = model.config, model.network.int_model
    spliced, count = [], 0
    for _, feats in model_inputs(args.data_dir, config):
        spliced.append(splice_feats(feats, config.left_context, config.right_context)[:args.frames - count])
        count += len(spliced[-1])
        if count == args.frames:
            break
    if count < args.frames:
        raise ValueError(f"{args.data_dir}: only {count} frames, --frames asks for {args.frames}")
    report, table = hardware_report(model)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out_dir / "hw_report.json", json.dumps(report, indent=1) + "\n")
    atomic_write_text(args.out_dir / "hw_report.txt", table + "\n")
    export_memory_images(int_model, args.out_dir, int_model.quantize_input(np.concatenate(spliced)))
    logging.getLogger("export_hw").info("wrote %s: %d layers, %d golden frames, %d bits of memory", args.out_dir,
                                        len(int_model.layers), args.frames, report["weight_memory_bits"])
    print(table)


if __name__ == "__main__":
    main()
