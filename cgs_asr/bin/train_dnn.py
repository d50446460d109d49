"""Train a DNN acoustic model on pdf alignments (frame cross-entropy, newbob schedule).

Compression options: --cgs-keep drops blocks of every weight matrix (random
selection fixed before training, the paper's method; by block magnitude of
--init-model's weights; or gradually, the smallest blocks pruned over the
first --cgs-prune-epochs epochs, Zhu and Gupta's cubic schedule); --qat-bits fine-tunes with fake-quantized
weights (activations 8 bits, calibrated on training frames; activation and
weight formats chosen by the loss on those frames, weight formats again
after every epoch); --ptq-bits quantizes --init-model without training
(the baseline). --init-model starts from a trained model dir (its network
shape and compression are kept). --teacher-model adds the KL divergence
from another model dir's posteriors (e.g. the dense DNN's) to the loss,
weighted by --distill-weight. Writes <model-dir>/final.pt, config.json
(with the compression record), prior.npy and train.log.

Data-parallel over several processes when launched by torchrun, e.g.
torchrun --nproc-per-node 4 -m cgs_asr.bin.train_dnn ... --num-threads 1
(each process takes its share of every minibatch; rank 0 writes the model dir).
"""
import argparse
import logging
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.features.cmvn import CMVN_SCOPES
from cgs_asr.nnet.compression import (Compression, compression_of, load_acoustic_model, quantize_network,
                                      weight_format_updater, weight_quant_config)
from cgs_asr.nnet import distributed
from cgs_asr.nnet.dataset import load_frame_set
from cgs_asr.nnet.model import ACTIVATIONS, PRESETS, ModelConfig, make_model
from cgs_asr.nnet.modeldir import open_model_dir, save_model_dir
from cgs_asr.nnet.priors import compute_priors
from cgs_asr.nnet.train import LR_SCHEDULES, OPTIMIZERS, EpochStats, TrainConfig, best_epoch, evaluate, train
from cgs_asr.sparsity import BlockSparsity, CGSConfig, apply_cgs, measure_sparsity
from cgs_asr.sparsity.config import SELECTIONS
from cgs_asr.sparsity.gradual import GradualPruner

log = logging.getLogger("train_dnn")


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value
    return parse


def layer_keep(text):
    """``INDEX=FRACTION``: the kept fraction of one Linear layer's blocks (0 = first layer)."""
    index, sep, fraction = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected LAYER=FRACTION, not {text}")
    return non_negative_int(index), positive(float)(fraction)


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {text}")
    return value


@program
def main(argv):
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train_data")
    parser.add_argument("train_ali", help="pdf-ids per frame (int-vector ark, as ali-to-pdf writes)")
    parser.add_argument("dev_data")
    parser.add_argument("dev_ali")
    parser.add_argument("num_pdfs", type=positive(int))
    parser.add_argument("model_dir", type=Path)
    model = parser.add_argument_group("model")
    model.add_argument("--preset", choices=PRESETS, default="default",
                       help=", ".join(f"{k}: {v['hidden_layers']} x {v['hidden_dim']}" for k, v in PRESETS.items()))
    model.add_argument("--hidden-layers", type=non_negative_int, help="overrides the preset")
    model.add_argument("--hidden-dim", type=positive(int), help="overrides the preset")
    model.add_argument("--activation", choices=ACTIVATIONS, default="relu")
    model.add_argument("--bottleneck-dim", type=non_negative_int, default=0,
                       help="width of a linear layer in front of the output layer (0: none), a low-rank output layer")
    model.add_argument("--context", type=non_negative_int,
                       help="frames spliced on each side (default 5; with --init-model, that model's)")
    model.add_argument("--norm-vars", action="store_true", help="CMVN normalises variance too")
    model.add_argument("--cmvn", choices=CMVN_SCOPES,
                       help="scope of the CMVN statistics: each speaker's (cmvn.scp; the default) or each "
                            "utterance's own; with --init-model, that model's")
    training = parser.add_argument_group("training")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default=defaults.optimizer)
    training.add_argument("--lr", type=positive(float), default=defaults.lr)
    training.add_argument("--batch-size", type=positive(int), default=defaults.batch_size)
    training.add_argument("--max-epochs", type=positive(int), default=defaults.max_epochs)
    training.add_argument("--lr-schedule", choices=LR_SCHEDULES, default=defaults.lr_schedule,
                          help="newbob: halve once dev stops gaining, then stop (Kaldi nnet1); exponential: "
                               "from --lr down to --final-lr over all --max-epochs (as Kaldi nnet3)")
    training.add_argument("--final-lr", type=positive(float),
                          help="the last epoch's learning rate with --lr-schedule exponential (default: --lr / 16)")
    training.add_argument("--seed", type=int, default=defaults.seed)
    training.add_argument("--num-threads", type=positive(int), default=defaults.num_threads)
    training.add_argument("--aug-warp", type=float, default=defaults.aug_warp,
                          help="filterbank features only: warp the frequency axis by a factor in 1 +- this")
    training.add_argument("--aug-freq-mask", type=non_negative_int, default=defaults.aug_freq_mask,
                          help="filterbank features only: set a band of up to this many bins to 0")
    training.add_argument("--init-model", type=Path, help="start from this model dir's network and weights")
    training.add_argument("--teacher-model", type=Path,
                          help="model dir (same pdfs and input) whose posteriors the network also learns")
    training.add_argument("--distill-weight", type=float,
                          help="with --teacher-model: weight of the teacher's KL term, 1 - this on the alignment "
                               "(default 0.5)")
    training.add_argument("--distill-temperature", type=positive(float), default=defaults.distill_temperature)
    cgs = parser.add_argument_group("coarse-grain sparsification")
    cgs.add_argument("--cgs-keep", type=positive(float), help="fraction of blocks kept in every block-row")
    cgs.add_argument("--cgs-block", type=positive(int), default=16, help="square block size")
    cgs.add_argument("--cgs-selection", choices=SELECTIONS, default="random",
                     help="random (fixed before training), magnitude (of --init-model's weights) or gradual "
                          "(pruned during training)")
    cgs.add_argument("--cgs-prune-epochs", type=positive(int),
                     help="gradual selection: prune over this many epochs, kept whatever dev says (default 2)")
    cgs.add_argument("--cgs-layer-keep", type=layer_keep, nargs="*", default=[], metavar="LAYER=FRACTION",
                     help="another kept fraction for these Linear layers (0 = first), e.g. 4=0.33")
    cgs.add_argument("--cgs-dense-layers", type=non_negative_int, nargs="*", default=[],
                     help="Linear layers (0 = first) left dense")
    quant = parser.add_argument_group("fixed point").add_mutually_exclusive_group()
    quant.add_argument("--qat-bits", type=positive(int), help="quantization-aware training with weights of these bits")
    quant.add_argument("--ptq-bits", type=positive(int), help="quantize --init-model's weights, no training")
    args = parser.parse_args(argv)
    if (args.ptq_bits or args.cgs_selection == "magnitude") and not args.init_model:
        parser.error("--ptq-bits and --cgs-selection magnitude need --init-model")
    if args.ptq_bits and args.teacher_model:
        parser.error("--ptq-bits does not train, so it takes no --teacher-model")
    if args.distill_weight is not None and not args.teacher_model:
        parser.error("--distill-weight needs --teacher-model")
    if args.final_lr and args.lr_schedule != "exponential":
        parser.error("--final-lr goes with --lr-schedule exponential")
    if args.cgs_prune_epochs and args.cgs_selection != "gradual":
        parser.error("--cgs-prune-epochs goes with --cgs-selection gradual")
    if args.cgs_selection == "gradual":
        args.cgs_prune_epochs = _or_default(args.cgs_prune_epochs, 2)
        if not args.cgs_keep or args.cgs_prune_epochs > args.max_epochs:
            parser.error("--cgs-selection gradual needs --cgs-keep and --max-epochs of at least --cgs-prune-epochs")

    distributed.init_from_env()
    try:
        _train(args)
    finally:
        distributed.finish()


def _train(args):
    config = TrainConfig(optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size,
                         max_epochs=args.max_epochs, lr_schedule=args.lr_schedule, final_lr=args.final_lr,
                         seed=args.seed, num_threads=args.num_threads,
                         aug_warp=args.aug_warp, aug_freq_mask=args.aug_freq_mask,
                         distill_weight=(0.5 if args.distill_weight is None else args.distill_weight)
                         if args.teacher_model else 0.0,
                         distill_temperature=args.distill_temperature,
                         accept_epochs=args.cgs_prune_epochs or 0)
    teacher = _load_teacher(args.teacher_model, args.num_pdfs) if args.teacher_model else None
    if args.init_model:
        init = load_acoustic_model(args.init_model)
        model_config, network, compression = init.config, init.network, compression_of(init)
        if model_config.num_pdfs != args.num_pdfs:
            raise ValueError(f"{args.init_model}: {model_config.num_pdfs} pdfs, not {args.num_pdfs}")
        if args.cmvn not in (None, model_config.cmvn):
            raise ValueError(f"{args.init_model}: trained with {model_config.cmvn} CMVN, --cmvn asks for {args.cmvn}")
        trained_context = (model_config.left_context, model_config.right_context)
        if args.context is not None and trained_context != (args.context, args.context):
            raise ValueError(f"{args.init_model}: trained with {trained_context[0]} + {trained_context[1]} frames of "
                             f"context, --context asks for {args.context}")
    context = dict(left_context=model_config.left_context, right_context=model_config.right_context,
                   norm_vars=model_config.norm_vars, cmvn=model_config.cmvn) if args.init_model else \
        dict(left_context=_or_default(args.context, 5), right_context=_or_default(args.context, 5),
             norm_vars=args.norm_vars, cmvn=args.cmvn or "speaker")
    train_set = load_frame_set(args.train_data, args.train_ali, args.num_pdfs, **context)
    dev_set = load_frame_set(args.dev_data, args.dev_ali, args.num_pdfs, **context, feat_dim=train_set.feat_dim)
    if not args.init_model:
        model_config = ModelConfig.from_preset(args.preset, args.num_pdfs, feat_dim=train_set.feat_dim, **context,
                                               hidden_layers=args.hidden_layers, hidden_dim=args.hidden_dim,
                                               activation=args.activation, bottleneck_dim=args.bottleneck_dim)
        network, compression = make_model(model_config, seed=config.seed), Compression()
    log.info("%d training frames (%d utterances, %d skipped), %d dev frames; model %s",
             len(train_set), len(train_set.utts), len(train_set.skipped), len(dev_set), model_config)
    if args.cgs_keep:
        if compression.cgs is not None or compression.quant is not None:
            raise ValueError(f"{args.init_model}: already sparsified or quantized; CGS starts from a float model")
        block = BlockSparsity(args.cgs_block, args.cgs_block, keep=args.cgs_keep)
        layers = {i: BlockSparsity(args.cgs_block, args.cgs_block, keep=keep) for i, keep in args.cgs_layer_keep}
        layers.update({i: None for i in args.cgs_dense_layers})
        compression.cgs = CGSConfig(block, layers, args.cgs_selection, args.seed, args.cgs_prune_epochs or 0)
        apply_cgs(network, compression.cgs)
    pruner = GradualPruner(network, compression.cgs, args.cgs_prune_epochs * -(-len(train_set) // config.batch_size)) \
        if args.cgs_selection == "gradual" else None
    bits = args.qat_bits or args.ptq_bits
    if bits:
        if compression.quant is not None:
            raise ValueError(f"{args.init_model}: already quantized")
        compression.quant = weight_quant_config(bits)
        network = quantize_network(network, compression.quant, train_set, seed=config.seed)
        update_formats = weight_format_updater(compression.quant, train_set, seed=config.seed)
    if teacher is not None:
        _check_teacher_input(args.teacher_model, teacher.config, model_config)
    log_path = open_model_dir(args.model_dir) / "train.log" if distributed.is_main() else None
    if args.ptq_bits:
        history = [_post_training(network, dev_set, args.ptq_bits, log_path)]
    else:
        history = train(network, train_set, dev_set, config, log_path=log_path, on_step=pruner,
                        on_epoch_end=(lambda net, stats: update_formats(net)) if args.qat_bits else None,
                        teacher=teacher.network if teacher is not None else None)
    best = best_epoch(history)
    meta = {
        "train": {**config.to_dict(), "init_model": str(args.init_model) if args.init_model else None,
                  "teacher_model": str(args.teacher_model) if args.teacher_model else None,
                  "method": "ptq" if args.ptq_bits else "qat" if args.qat_bits else "float"},
        "data": {"train": str(args.train_data), "train_ali": str(args.train_ali), "dev": str(args.dev_data),
                 "dev_ali": str(args.dev_ali), "train_frames": len(train_set), "dev_frames": len(dev_set),
                 "skipped_train": len(train_set.skipped), "skipped_dev": len(dev_set.skipped)},
        "result": {"best_epoch": best.epoch, "dev_frame_accuracy": best.dev_acc, "epochs": len(history) - 1},
        **compression.to_meta(),
        "sparsity": measure_sparsity(network),
    }
    if not distributed.is_main():
        return
    save_model_dir(args.model_dir, network, model_config,
                   compute_priors(train_set.targets.numpy(), args.num_pdfs), meta)
    log.info("wrote %s (best epoch %d, dev frame accuracy %.2f%%)", args.model_dir, best.epoch, 100 * best.dev_acc)


def _or_default(value, default):
    return default if value is None else value


def _load_teacher(path: Path, num_pdfs: int):
    teacher = load_acoustic_model(path)
    if teacher.config.num_pdfs != num_pdfs:
        raise ValueError(f"{path}: teacher has {teacher.config.num_pdfs} pdfs, not {num_pdfs}")
    return teacher


def _check_teacher_input(path: Path, teacher: ModelConfig, student: ModelConfig) -> None:
    """Teacher and student see the same spliced, normalised frames, so both must want the same input."""
    for name in ("feat_dim", "left_context", "right_context", "norm_vars", "cmvn"):
        if getattr(teacher, name) != getattr(student, name):
            raise ValueError(f"{path}: teacher's {name} is {getattr(teacher, name)}, "
                             f"the network's is {getattr(student, name)}")


def _post_training(network, dev_set, bits: int, log_path: Path | None) -> EpochStats:
    """Score the post-training-quantized network on dev and log it as epoch 0."""
    dev_loss, dev_acc = evaluate(network, dev_set)
    stats = EpochStats(0, 0.0, float("nan"), float("nan"), dev_loss, dev_acc, 0.0, 0.0, True)
    line = f"post-training quantization to {bits}-bit weights: " + stats.line().split(": ", 1)[1]
    if log_path:  # rank 0 under torchrun
        log_path.write_text(line + "\n", encoding="utf-8")
    log.info("%s", line)
    return stats


if __name__ == "__main__":
    main()
