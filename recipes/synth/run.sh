#!/usr/bin/env bash
# The built-in synthetic corpus, end to end. Every stage reads and writes files
# under this folder (data/, fbank/, exp/); rerunning skips finished stages.
#
#   recipes/synth/run.sh [--stage N] [--stop-stage M] [--preset tiny|default|large] [--nj 2] [--seed 1]
set -euo pipefail
cd "$(dirname "$0")"

stage=1
stop_stage=100
preset=default   # tiny: for tests; default: ~4 h of ASR training speech; large: 20+ h
seed=1
nj=2
opts="stage stop_stage preset seed nj"
. ../../local/parse_options.sh

bash ../../local/install.sh
. ../../local/path.sh
. ../../local/stages.sh
stage_settings="preset=$preset seed=$seed"

if begin_stage 1 "synthesize the corpus: TTS speakers, augmentation, Kaldi data dirs"; then
  cgs-make-synth-corpus --preset "$preset" --seed "$seed" --nj "$nj" data
  for dir in data/{asr,kws}/{train,dev,test}; do cgs-validate-data-dir "$dir"; done
  end_stage 1
fi

if begin_stage 2 "fbank features and per-speaker CMVN statistics"; then
  for dir in data/{asr,kws}/{train,dev,test}; do
    cgs-compute-features --type fbank --config conf/fbank.conf --nj "$nj" "$dir" "fbank/${dir#data/}"
    cgs-compute-cmvn-stats "$dir" "fbank/${dir#data/}"
  done
  end_stage 2
fi
