#!/usr/bin/env bash
# Keyword spotting on a corpus in the Speech Commands layout (a folder per word
# with <speaker>_nohash_<n>.wav files, validation_list.txt and testing_list.txt),
# with the KWS stages of recipes/synth: frame labels from the synthetic
# monophone GMM's alignment (of MFCC copies), the dense KWS DNN over fbank with
# the filterbank augmentation, CGS 75 % + 5-bit weights,
# isolated-keyword accuracy and FRR against false alarms per hour on continuous
# streams of the test speakers' recordings (emulated fixed-point engine).
# Words other than the ten keywords (yes no up down left right on off stop go)
# are fillers. Needs a finished recipes/synth up to its stage 5 (--synth DIR).
#
#   recipes/speech_commands/run.sh --sc-dir DIR [--synth ../synth] [--nj 2] [--cmd local] [--kws-epochs 8]
#
# Disk and time (estimates, not measured here: no copy of the corpus on this
# machine): Speech Commands v0.02 is about 2.3 GB of 105 k one-second wavs; the
# fbank and MFCC features add about 1.4 GB and the test streams (about 11 k recordings
# with 1-7 s gaps, some 15 h) about 1.7 GB. Training reads ~8 M frames per
# epoch, roughly 20-25 min per epoch on 2 cores at the speed measured on the
# synthetic corpus (about 6 k frames/s), so plan for several hours in all.
set -euo pipefail
cd "$(dirname "$0")"

stage=1
stop_stage=100
sc_dir=
synth=../synth   # a finished recipes/synth (data/lang, exp/mono)
nj=2
cmd=local        # how the --nj jobs run: local (forked), "slurm [sbatch options]" or "srun [srun options]"
seed=1
kws_context=15
kws_epochs=8
dnn_aug="--aug-warp 0.1 --aug-freq-mask 8"   # filterbank augmentation in every DNN training ("" for none)
opts="stage stop_stage sc_dir synth nj cmd seed kws_context kws_epochs dnn_aug"
. ../../local/parse_options.sh
[ -n "$sc_dir" ] || { echo "$0: --sc-dir is required" >&2; exit 1; }

bash ../../local/install.sh
. ../../local/path.sh
. ../../local/stages.sh
stage_settings="sc=$(cd "$sc_dir" && pwd) synth=$synth seed=$seed"

kws_train_dnn() {  # kws_train_dnn OUT_DIR [options]
  local out=$1; shift
  # shellcheck disable=SC2086  (dnn_aug is a list of options)
  cgs-train-dnn --preset kws --context "$kws_context" $dnn_aug "$@" data/train exp/labels_train/labels.ark \
    data/dev exp/labels_dev/labels.ark "$(cat exp/labels_train/num_labels)" "$out"
}

if begin_stage 1 "data dirs from the Speech Commands layout; fbank features (MFCC in copies for the GMM) and per-speaker CMVN"; then
  cgs-prepare-speech-commands "$sc_dir" data
  for split in train dev test; do
    cgs-compute-features --type fbank --config conf/fbank.conf --nj "$nj" --cmd "$cmd" "data/$split" "fbank/$split"
    cgs-compute-cmvn-stats "data/$split" "fbank/$split"
    cgs-combine-data-dirs "data/${split}_mfcc" "data/$split"
    cgs-compute-features --type mfcc --config conf/mfcc.conf --nj "$nj" --cmd "$cmd" "data/${split}_mfcc" "mfcc/$split"
    cgs-compute-cmvn-stats "data/${split}_mfcc" "mfcc/$split"
  done
  end_stage 1
fi

if begin_stage 2 "frame labels: the synthetic monophone GMM aligns every recording (lexicon of the synthetic ASR words and these)"; then
  mkdir -p exp
  sort "$synth/data/asr/train/text" data/{train,dev,test}/text > exp/lang_text
  cgs-prepare-lang exp/lang_text exp/lang
  cmp -s <(grep -v '^#' "$synth/data/lang/phones.txt") <(grep -v '^#' exp/lang/phones.txt) \
    || { echo "$0: exp/lang has other phones than $synth/data/lang, the GMM's" >&2; exit 1; }
  for split in train dev test; do
    cgs-align-gmm --nj "$nj" --cmd "$cmd" "data/${split}_mfcc" exp/lang "$synth/exp/mono" "exp/ali_$split"
    cgs-kws-labels "data/$split" exp/lang "exp/ali_$split" "exp/labels_$split"
  done
  end_stage 2
fi

if begin_stage 3 "KWS DNNs: dense float; CGS 75 % (largest blocks of the dense one, fine-tuned); 5-bit QAT"; then
  kws_train_dnn exp/dnn --max-epochs "$kws_epochs"
  kws_train_dnn exp/dnn_cgs75 --init-model exp/dnn --cgs-keep 0.25 --cgs-block 16 --cgs-selection magnitude \
    --lr 0.0005 --max-epochs "$kws_epochs"
  kws_train_dnn exp/dnn_cgs75_q5 --init-model exp/dnn_cgs75 --qat-bits 5 --max-epochs 3 --lr 0.0002
  end_stage 3
fi

if begin_stage 4 "test: isolated keywords and continuous streams of the test speakers; DET plot"; then
  cgs-make-kws-streams --seed "$seed" data/test exp/labels_test/word_times.ctm data/test_stream exp/stream_wav
  cgs-compute-features --type fbank --config conf/fbank.conf --nj "$nj" --cmd "$cmd" data/test_stream fbank/test_stream
  cp data/test/cmvn.scp data/test_stream/cmvn.scp   # each speaker's statistics from the test recordings
  cgs-kws-eval exp/dnn data/test data/test_stream exp/dnn/eval_test
  cgs-kws-eval --kernel fixed exp/dnn_cgs75_q5 data/test data/test_stream exp/dnn_cgs75_q5/eval_test
  cgs-kws-det-plot exp/det_test.png dense-float=exp/dnn/eval_test/kws.json \
    cgs75-q5-emulated=exp/dnn_cgs75_q5/eval_test/kws.json
  end_stage 4
fi

if begin_stage 5 "summary: exp/summary.json and the table"; then
  cgs-summary exp/summary.json --row kws dense-float test exp/dnn/eval_test/kws.json \
    --row kws cgs75-q5 test exp/dnn_cgs75_q5/eval_test/kws.json exp/dnn_cgs75_q5/eval_test/hw_report.json \
    | tee exp/summary.txt
fi
