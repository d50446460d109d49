#!/usr/bin/env bash
# DNN acoustic models (dense, CGS, 6-bit) trained on the features and alignments of an existing Kaldi
# experiment (RM, WSJ, LibriSpeech... after Kaldi's own data prep and GMM stages), handed back to Kaldi:
# log-likelihood arks for latgen-faster-mapped and nnet1 dirs for nnet-forward.
#
#   recipes/kaldi_dir/run.sh --kaldi ~/kaldi/egs/rm/s5 [--stage N] [--stop-stage M] [--train data-fbank/train]
#     [--dev data-fbank/dev] [--test data-fbank/test] [--train-ali exp/tri3_ali] [--dev-ali exp/tri3_ali_dev]
#     [--graph exp/tri3/graph] [--preset default] [--train-procs 1] [--nj 1] [--cmd local] [--seed 1]
#
# Needs, in the Kaldi dir (README "Using with Kaldi" gives the commands): the three data dirs with fbank
# feats.scp, cmvn.scp and utt2num_frames; <train-ali> and <dev-ali> each with tree and pdf.ark.gz (the
# output of ali-to-pdf). Stage 6 decodes with Kaldi's binaries and runs only if latgen-faster-mapped is
# on the PATH. Everything is written under this folder (data/, exp/); the features stay where Kaldi put them.
set -euo pipefail
cd "$(dirname "$0")"

stage=1
stop_stage=100
kaldi=                       # the Kaldi recipe dir (egs/<corpus>/s5); the paths below are relative to it
train=data-fbank/train
dev=data-fbank/dev
test=data-fbank/test
train_ali=exp/tri3_ali       # holds tree and pdf.ark.gz; final.mdl is used by stage 6
dev_ali=exp/tri3_ali_dev     # holds pdf.ark.gz
graph=exp/tri3/graph         # HCLG.fst and words.txt for stage 6
acwt=0.1                     # acoustic scale of stage 6
preset=default               # DNN size (cgs-train-dnn --preset): default 4 x 384, paper 4 x 1024
train_procs=1                # > 1: data-parallel training with torchrun, one process per core
dnn_opts=                    # more cgs-train-dnn options for every model, e.g. "--hidden-dim 512 --norm-vars"
dnn_teacher="--teacher-model exp/dnn --distill-weight 0.5"   # the dense DNN teaches the CGS and 6-bit DNNs ("" for none)
nj=1                         # jobs of the per-utterance export (log-likelihoods), split by speaker
cmd=local                    # how they run: local (forked), "slurm [sbatch options]" or "srun [srun options]"
seed=1
opts="stage stop_stage kaldi train dev test train_ali dev_ali graph acwt preset train_procs dnn_opts dnn_teacher nj cmd seed"
. ../../local/parse_options.sh
[ -n "$kaldi" ] || { echo "$0: --kaldi DIR is required (the Kaldi recipe dir, e.g. ~/kaldi/egs/rm/s5)" >&2; exit 1; }
kaldi=$(cd "$kaldi" && pwd)

bash ../../local/install.sh
. ../../local/path.sh
. ../../local/stages.sh
stage_settings="kaldi=$kaldi preset=$preset seed=$seed dnn_opts=$dnn_opts"
models="dnn dnn_cgs75 dnn_q6 dnn_cgs75_q6"

if begin_stage 1 "import the Kaldi data dirs (features, CMVN) and pdf alignments"; then
  for set_ali in "train $train $train_ali" "dev $dev $dev_ali"; do
    read -r set src ali <<< "$set_ali"
    cgs-import-kaldi --root "$kaldi" "$kaldi/$src" data/$set --ali-dir exp/ali_$set \
      --tree "$kaldi/$train_ali/tree" --pdf-ali "$kaldi/$ali"/pdf.ark.gz
  done
  cgs-import-kaldi --root "$kaldi" "$kaldi/$test" data/test
  end_stage 1
fi

train_dnn() {  # train_dnn OUT_DIR [options]
  local out=$1; shift
  local launcher=(cgs-train-dnn)
  if [ "$train_procs" -gt 1 ]; then
    launcher=(torchrun --standalone --nproc-per-node "$train_procs" -m cgs_asr.bin.train_dnn --num-threads 1)
  fi
  # shellcheck disable=SC2086  (dnn_opts is a list of options)
  "${launcher[@]}" data/train exp/ali_train/ali.pdf.ark data/dev exp/ali_dev/ali.pdf.ark \
    "$(cat exp/ali_train/num_pdfs)" "$out" --seed "$seed" $dnn_opts "$@"
}

if begin_stage 2 "dense DNN (frame cross-entropy, newbob)"; then
  train_dnn exp/dnn --preset "$preset"
  end_stage 2
fi

if begin_stage 3 "CGS DNN: 75 % of the 16 x 16 weight blocks dropped at random before training; the dense DNN teaches"; then
  # shellcheck disable=SC2086  (dnn_teacher is a list of options)
  train_dnn exp/dnn_cgs75 --preset "$preset" --cgs-keep 0.25 --cgs-block 16 $dnn_teacher
  end_stage 3
fi

if begin_stage 4 "6-bit weights: quantization-aware fine-tuning of the dense and CGS DNNs, taught by the dense DNN"; then
  for src in dnn dnn_cgs75; do
    # shellcheck disable=SC2086
    train_dnn "exp/${src}_q6" --init-model "exp/$src" --qat-bits 6 --max-epochs 3 --lr 0.0002 $dnn_teacher
  done
  end_stage 4
fi

if begin_stage 5 "export: test log-likelihood arks (float / fixed-point engine), nnet1 dirs of the float models"; then
  for model in $models; do
    if [[ $model == *_q6 ]]; then
      cgs-compute-loglikes --nj "$nj" --cmd "$cmd" --kernel fixed exp/$model data/test exp/$model/loglikes_test.ark
    else
      cgs-compute-loglikes --nj "$nj" --cmd "$cmd" --kernel float exp/$model data/test exp/$model/loglikes_test.ark
      cgs-export-nnet1 exp/$model exp/$model/nnet1
    fi
  done
  end_stage 5
fi

# No marker: it needs Kaldi's binaries, which may be installed later.
if [ 6 -ge "$stage" ] && [ 6 -le "$stop_stage" ]; then
  if ! command -v latgen-faster-mapped > /dev/null; then
    echo "== stage 6: Kaldi's binaries are not on the PATH (source $kaldi/path.sh); decoding skipped"
  else
    echo "== stage 6: decode the test log-likelihoods with Kaldi's latgen-faster-mapped"
    for model in $models; do
      dir=exp/$model/decode_test
      mkdir -p $dir
      latgen-faster-mapped --max-active=7000 --beam=13 --lattice-beam=8 --acoustic-scale=$acwt \
        --allow-partial=true --word-symbol-table="$kaldi/$graph/words.txt" "$kaldi/$train_ali/final.mdl" \
        "$kaldi/$graph/HCLG.fst" scp:exp/$model/loglikes_test.scp "ark:|gzip -c > $dir/lat.1.gz" 2> $dir/latgen.log
      lattice-best-path --acoustic-scale=$acwt "ark:gunzip -c $dir/lat.1.gz |" ark,t:- 2> $dir/best_path.log |
        "$kaldi/utils/int2sym.pl" -f 2- "$kaldi/$graph/words.txt" > $dir/hyp.txt
      compute-wer --text --mode=present ark:data/test/text ark:$dir/hyp.txt | tee $dir/wer
    done
  fi
fi
