"""Train a DNN acoustic model on pdf alignments (frame cross-entropy, newbob schedule).

Writes <model-dir>/final.pt, config.json, prior.npy and train.log.
"""
import argparse
import logging
from pathlib import Path

from cgs_asr.bin.common import program
from cgs_asr.nnet.dataset import load_frame_set
from cgs_asr.nnet.model import ACTIVATIONS, PRESETS, ModelConfig, make_model
from cgs_asr.nnet.modeldir import open_model_dir, save_model_dir
from cgs_asr.nnet.priors import compute_priors
from cgs_asr.nnet.train import OPTIMIZERS, TrainConfig, train

log = logging.getLogger("train_dnn")


def positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value
    return parse


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
    model.add_argument("--context", type=non_negative_int, default=5, help="frames spliced on each side")
    model.add_argument("--norm-vars", action="store_true", help="CMVN normalises variance too")
    training = parser.add_argument_group("training")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default=defaults.optimizer)
    training.add_argument("--lr", type=positive(float), default=defaults.lr)
    training.add_argument("--batch-size", type=positive(int), default=defaults.batch_size)
    training.add_argument("--max-epochs", type=positive(int), default=defaults.max_epochs)
    training.add_argument("--seed", type=int, default=defaults.seed)
    training.add_argument("--num-threads", type=positive(int), default=defaults.num_threads)
    args = parser.parse_args(argv)

    config = TrainConfig(optimizer=args.optimizer, lr=args.lr, batch_size=args.batch_size,
                         max_epochs=args.max_epochs, seed=args.seed, num_threads=args.num_threads)
    context = dict(left_context=args.context, right_context=args.context)
    train_set = load_frame_set(args.train_data, args.train_ali, args.num_pdfs, **context, norm_vars=args.norm_vars)
    dev_set = load_frame_set(args.dev_data, args.dev_ali, args.num_pdfs, **context, norm_vars=args.norm_vars,
                             feat_dim=train_set.feat_dim)
    model_config = ModelConfig.from_preset(args.preset, args.num_pdfs, feat_dim=train_set.feat_dim, **context,
                                           hidden_layers=args.hidden_layers, hidden_dim=args.hidden_dim,
                                           activation=args.activation, norm_vars=args.norm_vars)
    log.info("%d training frames (%d utterances, %d skipped), %d dev frames; model %s",
             len(train_set), len(train_set.utts), len(train_set.skipped), len(dev_set), model_config)
    network = make_model(model_config, seed=config.seed)
    history = train(network, train_set, dev_set, config, log_path=open_model_dir(args.model_dir) / "train.log")
    best = max((s for s in history if s.accepted), key=lambda s: s.dev_acc)
    meta = {
        "train": config.to_dict(),
        "data": {"train": str(args.train_data), "train_ali": str(args.train_ali), "dev": str(args.dev_data),
                 "dev_ali": str(args.dev_ali), "train_frames": len(train_set), "dev_frames": len(dev_set),
                 "skipped_train": len(train_set.skipped), "skipped_dev": len(dev_set.skipped)},
        "result": {"best_epoch": best.epoch, "dev_frame_accuracy": best.dev_acc, "epochs": len(history) - 1},
    }
    save_model_dir(args.model_dir, network, model_config,
                   compute_priors(train_set.targets.numpy(), args.num_pdfs), meta)
    log.info("wrote %s (best epoch %d, dev frame accuracy %.2f%%)", args.model_dir, best.epoch, 100 * best.dev_acc)


if __name__ == "__main__":
    main()
