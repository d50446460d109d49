#!/usr/bin/env bash
# Real recordings of spoken digits in the Free Spoken Digit Dataset layout
# (<dir>/recordings/{digit}_{speaker}_{index}.wav, 8 kHz), decoded with a
# one-digit grammar by (a) the models of the synthetic recipe ("synth-only")
# and (b) a DNN trained on the given training speakers on top of the
# synthetic one ("fsdd-trained": the synthetic DNN, fine-tuned on their
# recordings, 3-way speed perturbed and aligned by the synthetic GMM, with the
# synthetic DNN teaching so that it keeps what it learnt from many voices; its
# priors are its mean posterior over those recordings).
#
#   recipes/fsdd/run.sh --fsdd-dir DIR --train-speakers "a b" --test-speakers "c" [--synth ../synth]
set -euo pipefail
cd "$(dirname "$0")"

stage=1
stop_stage=100
fsdd_dir=
train_speakers=
test_speakers=
synth=../synth   # a finished recipes/synth (stages up to the dense DNN)
dnn_aug=          # e.g. "--aug-warp 0.1 --aug-freq-mask 8": filterbank augmentation while fine-tuning
                  # (mean accuracy over the three rotations of the shared speakers, lr 0.0002 without a
                  # teacher: 85.4 % with it, 86.2 % without)
fine_tune="--lr 0.0001 --max-epochs 6 --distill-weight 0.5"   # stage 5 (the synthetic DNN teaches; weight 0: it does not)
nj=2
cmd=local        # how the --nj jobs run: local (forked), "slurm [sbatch options]" or "srun [srun options]"
opts="stage stop_stage fsdd_dir train_speakers test_speakers synth nj cmd dnn_aug fine_tune"
. ../../local/parse_options.sh
[ -n "$fsdd_dir" ] && [ -n "$train_speakers" ] && [ -n "$test_speakers" ] \
  || { echo "$0: --fsdd-dir, --train-speakers and --test-speakers are required" >&2; exit 1; }

bash ../../local/install.sh
. ../../local/path.sh
. ../../local/stages.sh
stage_settings="fsdd=$(cd "$fsdd_dir" && pwd) train=$train_speakers test=$test_speakers synth=$synth"
digits="zero one two three four five six seven eight nine"

features() {  # features DATA_DIR NAME: fbank + CMVN in DATA_DIR, MFCC + CMVN in a copy DATA_DIR_mfcc
  cgs-compute-features --type fbank --config conf/fbank.conf --nj "$nj" --cmd "$cmd" "$1" "fbank/$2"
  cgs-compute-cmvn-stats "$1" "fbank/$2"
  cgs-combine-data-dirs "${1}_mfcc" "$1"
  cgs-compute-features --type mfcc --config conf/mfcc.conf --nj "$nj" --cmd "$cmd" "${1}_mfcc" "mfcc/$2"
  cgs-compute-cmvn-stats "${1}_mfcc" "mfcc/$2"
}

if begin_stage 1 "data dirs of the training and test speakers; fbank and MFCC features"; then
  cgs-prepare-fsdd --speakers "$train_speakers" "$fsdd_dir" data/train
  cgs-prepare-fsdd --speakers "$test_speakers" "$fsdd_dir" data/test
  features data/train train
  features data/test test
  end_stage 1
fi

if begin_stage 2 "one-digit grammar and its graph for the synthetic triphone GMM's tree"; then
  mkdir -p exp
  cgs-make-grammar --kind list --words "$digits" "$synth/data/lang" exp/G_digits.fst
  cgs-make-graph --grammar exp/G_digits.fst "$synth/data/lang" "$synth/exp/tri1" exp/tri1/graph_digits
  cp "$synth"/exp/tri1/final.{npz,json} exp/tri1/
  end_stage 2
fi

if begin_stage 3 "decode the test speakers with the synthetic models (synth-only)"; then
  cgs-decode --nj "$nj" --cmd "$cmd" --acwt-from "$synth/exp/dnn/decode_dev" exp/tri1/graph_digits data/test \
    "$synth/exp/dnn" exp/synth-only/decode_test
  end_stage 3
fi

if begin_stage 4 "hold out every tenth training recording for dev; 3-way speed perturbation of the rest; align both with the synthetic GMM"; then
  awk '{ n = split($1, part, "-"); print $1 > ((part[n] % 10 == 9) ? "data/dev.list" : "data/ft.list") }' data/train/utt2spk
  cgs-subset-data-dir --utt-list data/ft.list data/train data/train_ft
  cgs-subset-data-dir --utt-list data/dev.list data/train data/dev_ft
  cgs-subset-data-dir --utt-list data/dev.list data/train_mfcc data/dev_ft_mfcc
  cgs-perturb-speed --factors "0.9 1.0 1.1" data/train_ft data/train_ft_sp
  features data/train_ft_sp train_ft_sp
  cgs-align-gmm --nj "$nj" --cmd "$cmd" data/train_ft_sp_mfcc "$synth/data/lang" exp/tri1 exp/tri1_ali_train_ft_sp
  cgs-align-gmm --nj "$nj" --cmd "$cmd" data/dev_ft_mfcc "$synth/data/lang" exp/tri1 exp/tri1_ali_dev_ft
  end_stage 4
fi

if begin_stage 5 "fine-tune the synthetic DNN on the training speakers, the synthetic DNN teaching; priors from its mean posterior (fsdd-trained)"; then
  # shellcheck disable=SC2086  (dnn_aug and fine_tune are lists of options)
  cgs-train-dnn --init-model "$synth/exp/dnn" --teacher-model "$synth/exp/dnn" $fine_tune $dnn_aug \
    data/train_ft_sp exp/tri1_ali_train_ft_sp/ali.pdf.ark data/dev_ft exp/tri1_ali_dev_ft/ali.pdf.ark \
    "$(cat exp/tri1/graph_digits/num_pdfs)" exp/fsdd-trained
  # The alignment's counts would floor the priors of the many pdfs no digit aligns to, on which the teacher
  # keeps posterior mass: priors from the fine-tuned DNN's mean posterior instead (README: what each gave)
  cgs-adjust-priors exp/fsdd-trained data/train_ft_sp
  cgs-decode --nj "$nj" --cmd "$cmd" --acwt-from "$synth/exp/dnn/decode_dev" exp/tri1/graph_digits data/test \
    exp/fsdd-trained exp/fsdd-trained/decode_test
  end_stage 5
fi

# No marker: derived from the result files, rebuilt on every run.
if begin_stage 6 "summary: exp/summary.json; bootstrap intervals of both systems and of their difference"; then
  cgs-summary --isolated-words exp/summary.json \
    --row asr synth-only fsdd-test exp/synth-only/decode_test/decode.json \
    --row asr fsdd-trained fsdd-test exp/fsdd-trained/decode_test/decode.json | tee exp/summary.txt
  echo "== fsdd-test: synth-only (Set1) against fsdd-trained (Set2)" | tee exp/summary_bootci.txt
  cgs-wer-bootci data/test/text exp/synth-only/decode_test/text exp/fsdd-trained/decode_test/text \
    | tee -a exp/summary_bootci.txt
fi
