#!/usr/bin/env bash
# The built-in synthetic corpus, end to end. Every stage reads and writes files
# under this folder (data/, fbank/, mfcc/, exp/); rerunning skips finished stages.
#
#   recipes/synth/run.sh [--stage N] [--stop-stage M] [--preset tiny|default|large] [--nj 2] [--cmd local] [--seed 1]
#                        [--train-seed 0] [--gmm-audio augmented|clean] [--conversions N]
set -euo pipefail
cd "$(dirname "$0")"

stage=1
stop_stage=100
preset=default   # tiny: for tests; default: ~4 h of ASR training speech; large: 20+ h
seed=1           # the corpus: voices, texts, augmentation; and the KWS test streams
conversions=     # the corpus: converted copies (WORLD vocoder: F0 and vocal-tract changes) of each flite and festival
                 # training speaker; "" takes the preset's (default 2, tiny 1); 0 gives the corpus without them
train_seed=0     # every training: GMM flat start and Gaussian splits, DNN initialisation, random CGS blocks,
                 # minibatch order and augmentation draws (another value gives a replicate of stages 5-17)
gmm_audio=clean  # the audio the GMMs train on and align: the clean companions (same speech, timing and band,
                 # no reverberation or added noise), as Kaldi's multi-condition recipes align clean recordings,
                 # or the augmented audio itself. The DNNs train on the augmented audio either way (README:
                 # what each gave)
nj=2
cmd=local        # how the --nj jobs run: local (forked), "slurm [sbatch options]" or "srun [srun options]"
mono_utts=1500   # the monophone system trains on this many of the shortest utterances, as Kaldi does
acwt_sweep="0.05 0.067 0.083 0.1 0.125"   # acoustic scales tried on dev; test uses the best
dnn_context=8    # the ASR DNNs: frames of fbank context on each side (README: what 5, Kaldi nnet1's, gave)
dnn_epochs=10    # the dense ASR DNN: at most this many epochs (newbob stops earlier)
cgs_epochs=16    # the CGS ASR DNN, trained from scratch with a quarter of the weights, learns slower: at most this
                 # many epochs, so that newbob's halving can run its course
dnn_aug="--aug-warp 0.1 --aug-freq-mask 8"   # filterbank augmentation in every DNN training ("" for none)
dnn_cmvn=speaker  # the ASR DNNs' CMVN: each speaker's mean (Kaldi's default) or each utterance's own ("utterance":
                  # better on the synthetic test, far worse on short real recordings; README: what each gave)
dnn_teacher=""     # "--teacher-model exp/dnn --distill-weight 0.5": the dense DNN teaches the CGS and 6-bit DNNs
                   # (higher dev frame accuracy, but no better %WER and slower training; README: what each gave)
kws_context=15   # KWS DNN: frames of context on each side
kws_epochs=8     # KWS DNN: at most this many epochs (newbob stops earlier)
kws_teacher="--teacher-model exp/kws/dnn --distill-weight 0.5"   # the dense KWS DNN teaches its CGS and 5-bit DNNs
sweep=false      # true: also run stage 17, the sparsity x bits x block-size sweep
opts="stage stop_stage preset seed conversions train_seed gmm_audio nj cmd mono_utts acwt_sweep dnn_context dnn_epochs cgs_epochs dnn_aug dnn_cmvn dnn_teacher kws_context kws_epochs kws_teacher sweep"
. ../../local/parse_options.sh

bash ../../local/install.sh
. ../../local/path.sh
. ../../local/stages.sh
case $gmm_audio in augmented) gmm=;; clean) gmm=_clean;; *) echo "$0: --gmm-audio augmented|clean" >&2; exit 1;; esac
stage_settings="preset=$preset seed=$seed conversions=${conversions:-preset} train_seed=$train_seed gmm_audio=$gmm_audio"

if begin_stage 1 "synthesize the corpus: TTS speakers, augmentation, Kaldi data dirs"; then
  cgs-make-synth-corpus --preset "$preset" --seed "$seed" ${conversions:+--conversions "$conversions"} --nj "$nj" data
  for dir in data/{asr,kws}/{train,dev,test}{,_clean}; do cgs-validate-data-dir "$dir"; done
  end_stage 1
fi

if begin_stage 2 "fbank features and per-speaker CMVN statistics"; then
  for dir in data/{asr,kws}/{train,dev,test}; do
    cgs-compute-features --type fbank --config conf/fbank.conf --nj "$nj" --cmd "$cmd" "$dir" "fbank/${dir#data/}"
    cgs-compute-cmvn-stats "$dir" "fbank/${dir#data/}"
  done
  end_stage 2
fi

if begin_stage 3 "lang dir (CMUdict lexicon, L.fst) and trigram LM (G.fst) from the ASR training text"; then
  cgs-prepare-lang data/asr/train/text data/lang
  mkdir -p exp
  cgs-make-lm --order 3 --eval-text data/asr/dev/text --eval-text data/asr/test/text \
    data/asr/train/text data/lang | tee exp/lm_perplexity.txt
  end_stage 3
fi

if begin_stage 4 "MFCC features for the GMM (copies of the ASR data dirs: train and dev as --gmm-audio says, dev and test)"; then
  for dir in $(printf '%s\n' train$gmm dev$gmm dev test | sort -u); do
    cgs-combine-data-dirs "data/asr/${dir}_mfcc" "data/asr/$dir"
    cgs-compute-features --type mfcc --config conf/mfcc.conf --nj "$nj" --cmd "$cmd" "data/asr/${dir}_mfcc" "mfcc/$dir"
    cgs-compute-cmvn-stats "data/asr/${dir}_mfcc" "mfcc/$dir"
  done
  end_stage 4
fi

if begin_stage 5 "GMM-HMM: monophone (flat start, EM with realignment), then triphone (decision tree) on its alignment"; then
  cgs-train-mono --nj "$nj" --seed "$train_seed" --max-utts "$mono_utts" "data/asr/train${gmm}_mfcc" data/lang exp/mono
  cgs-train-tri --nj "$nj" --seed "$train_seed" "data/asr/train${gmm}_mfcc" data/lang exp/mono exp/tri1
  end_stage 5
fi

if begin_stage 6 "HCLG graph; triphone GMM baseline decoding of dev and test; alignment of dev"; then
  cgs-make-graph data/lang exp/tri1 exp/tri1/graph
  for split in dev test; do
    cgs-decode --nj "$nj" --cmd "$cmd" exp/tri1/graph "data/asr/${split}_mfcc" exp/tri1 "exp/tri1/decode_$split"
  done
  cgs-align-gmm --nj "$nj" --cmd "$cmd" --map-oov "data/asr/dev${gmm}_mfcc" data/lang exp/tri1 exp/tri1_ali_dev
  end_stage 6
fi

train_dnn() {  # train_dnn OUT_DIR [options]: a DNN on the triphone alignments of train and dev
  local out=$1; shift
  # shellcheck disable=SC2086  (dnn_aug is a list of options)
  cgs-train-dnn --seed "$train_seed" --context "$dnn_context" --cmvn "$dnn_cmvn" $dnn_aug "$@" \
    data/asr/train exp/tri1/ali.pdf.ark data/asr/dev exp/tri1_ali_dev/ali.pdf.ark "$(cat exp/tri1/graph/num_pdfs)" "$out"
}

decode_dnn() {  # decode_dnn MODEL [options]: the acoustic scale swept on dev, the best one applied to test
  local model=$1; shift
  cgs-decode --nj "$nj" --cmd "$cmd" "$@" --acwt-sweep "$acwt_sweep" exp/tri1/graph data/asr/dev "exp/$model" \
    "exp/$model/decode_dev"
  cgs-decode --nj "$nj" --cmd "$cmd" "$@" --acwt-from "exp/$model/decode_dev" exp/tri1/graph data/asr/test "exp/$model" \
    "exp/$model/decode_test"
}

if begin_stage 7 "dense DNN on the triphone alignments (frame cross-entropy, newbob, filterbank augmentation)"; then
  train_dnn exp/dnn --max-epochs "$dnn_epochs"
  end_stage 7
fi

if begin_stage 8 "decode with the dense DNN: acoustic-scale sweep on dev, the best scale on test"; then
  decode_dnn dnn
  end_stage 8
fi

if begin_stage 9 "CGS DNN: 75 % of the 16 x 16 weight blocks dropped at random before training, equal per block-row"; then
  # shellcheck disable=SC2086  (dnn_teacher is a list of options)
  train_dnn exp/dnn_cgs75 --cgs-keep 0.25 --cgs-block 16 --max-epochs "$cgs_epochs" $dnn_teacher
  end_stage 9
fi

if begin_stage 10 "6-bit weights: quantization-aware fine-tuning of the dense and the CGS DNNs"; then
  for src in dnn dnn_cgs75; do
    # shellcheck disable=SC2086
    train_dnn "exp/${src}_q6" --init-model "exp/$src" --qat-bits 6 --max-epochs 3 --lr 0.0002 $dnn_teacher
  done
  end_stage 10
fi

if begin_stage 11 "decode CGS float, and dense / CGS 6-bit through the fixed-point engine emulator, each with its own dev-swept acoustic scale"; then
  decode_dnn dnn_cgs75
  for model in dnn_q6 dnn_cgs75_q6; do
    decode_dnn "$model" --kernel fixed
  done
  end_stage 11
fi

# Keyword spotting (KWS): every file these stages write is under exp/kws/.
kws_train_dnn() {  # kws_train_dnn OUT_DIR [options]: a KWS DNN on the fbank frames and labels of train_all and dev
  local out=$1; shift
  # shellcheck disable=SC2086  (dnn_aug is a list of options)
  cgs-train-dnn --preset kws --context "$kws_context" --seed "$train_seed" $dnn_aug "$@" exp/kws/data/train_all exp/kws/labels_train_all/labels.ark \
    data/kws/dev exp/kws/labels_dev/labels.ark "$(cat exp/kws/labels_train/num_labels)" "$out"
}

if begin_stage 12 "KWS frame labels (keyword / filler / silence): the monophone GMM aligns MFCC copies of the KWS dirs (as --gmm-audio says); ASR train joins KWS train"; then
  mkdir -p exp/kws
  sort data/asr/train/text data/kws/{train,dev,test}/text > exp/kws/lang_text   # lexicon of the ASR and KWS words
  cgs-prepare-lang exp/kws/lang_text exp/kws/lang
  cmp -s <(grep -v '^#' data/lang/phones.txt) <(grep -v '^#' exp/kws/lang/phones.txt) \
    || { echo "$0: exp/kws/lang has other phones than data/lang, the GMM's" >&2; exit 1; }
  for split in train dev test; do
    cgs-combine-data-dirs "exp/kws/data/${split}_mfcc" "data/kws/$split$gmm"
    cgs-compute-features --type mfcc --config conf/mfcc.conf --nj "$nj" --cmd "$cmd" "exp/kws/data/${split}_mfcc" "exp/kws/mfcc/$split"
    cgs-compute-cmvn-stats "exp/kws/data/${split}_mfcc" "exp/kws/mfcc/$split"
    cgs-align-gmm --nj "$nj" --cmd "$cmd" "exp/kws/data/${split}_mfcc" exp/kws/lang exp/mono "exp/kws/ali_$split"
    cgs-kws-labels "data/kws/$split" exp/kws/lang "exp/kws/ali_$split" "exp/kws/labels_$split"
  done
  # The ASR training utterances join the KWS training set (train_all): hours of non-keyword speech
  # and the keywords said inside it, labelled from the triphone alignment of stage 5.
  cgs-kws-labels data/asr/train data/lang exp/tri1 exp/kws/labels_asr_train
  cgs-combine-data-dirs exp/kws/data/train_all data/kws/train data/asr/train
  cgs-compute-cmvn-stats exp/kws/data/train_all exp/kws/fbank/train_all
  mkdir -p exp/kws/labels_train_all
  cat exp/kws/labels_{train,asr_train}/labels.ark > exp/kws/labels_train_all/labels.ark
  end_stage 12
fi

if begin_stage 13 "KWS DNN, dense float: 3 x 512 over +-$kws_context frames of fbank"; then
  kws_train_dnn exp/kws/dnn --max-epochs "$kws_epochs"
  end_stage 13
fi

if begin_stage 14 "KWS DNN with CGS (the dense DNN's largest 16 x 16 blocks kept, 25 %, then fine-tuned) and 5-bit weights (QAT), taught by the dense KWS DNN"; then
  # shellcheck disable=SC2086  (kws_teacher is a list of options)
  kws_train_dnn exp/kws/dnn_cgs75 --init-model exp/kws/dnn --cgs-keep 0.25 --cgs-block 16 --cgs-selection magnitude \
    --lr 0.0005 --max-epochs "$kws_epochs" $kws_teacher
  kws_train_dnn exp/kws/dnn_cgs75_q5 --init-model exp/kws/dnn_cgs75 --qat-bits 5 --max-epochs 3 --lr 0.0002 $kws_teacher
  end_stage 14
fi

if begin_stage 15 "KWS test: isolated keywords and continuous streams; dense float, and CGS + 5-bit on the engine emulator; DET plot"; then
  cgs-make-kws-streams --filler-data data/asr/test --seed "$seed" data/kws/test exp/kws/labels_test/word_times.ctm \
    exp/kws/data/test_stream exp/kws/stream_wav
  cgs-compute-features --type fbank --config conf/fbank.conf --nj "$nj" --cmd "$cmd" exp/kws/data/test_stream exp/kws/fbank/test_stream
  # A stream is normalised with its speaker's CMVN statistics from the test utterances (as an enrolled
  # speaker's would be), not with those of the stream, two thirds of which are gaps.
  cp data/kws/test/cmvn.scp exp/kws/data/test_stream/cmvn.scp
  cgs-kws-eval exp/kws/dnn data/kws/test exp/kws/data/test_stream exp/kws/dnn/eval_test
  cgs-kws-eval --kernel fixed exp/kws/dnn_cgs75_q5 data/kws/test exp/kws/data/test_stream exp/kws/dnn_cgs75_q5/eval_test
  cgs-kws-det-plot exp/kws/det_test.png dense-float=exp/kws/dnn/eval_test/kws.json \
    cgs75-q5-emulated=exp/kws/dnn_cgs75_q5/eval_test/kws.json
  end_stage 15
fi

# No marker: the summary is derived from the result files, so it is rebuilt on every run.
if begin_stage 16 "summary: exp/summary.json and the table (ASR and KWS rows); bootstrap intervals of the ASR differences"; then
  rows=()
  for set in dev test; do
    rows+=(--row asr gmm $set exp/tri1/decode_$set/decode.json)
    for system in dense-float:dnn dense-q6:dnn_q6 cgs75-float:dnn_cgs75 cgs75-q6:dnn_cgs75_q6; do
      dir=exp/${system#*:}/decode_$set
      [ -f $dir/decode.json ] || continue
      rows+=(--row asr ${system%%:*} $set $dir/decode.json $(ls $dir/hw_report.json 2>/dev/null))
    done
  done
  [ -f exp/kws/dnn/eval_test/kws.json ] && rows+=(--row kws dense-float test exp/kws/dnn/eval_test/kws.json)
  [ -f exp/kws/dnn_cgs75_q5/eval_test/kws.json ] && rows+=(--row kws cgs75-q5 test \
    exp/kws/dnn_cgs75_q5/eval_test/kws.json exp/kws/dnn_cgs75_q5/eval_test/hw_report.json)
  cgs-summary exp/summary.json "${rows[@]}" | tee exp/summary.txt
  for set in dev test; do  # is each compressed DNN's difference from the dense one more than the test set's noise?
    for system in dense-q6:dnn_q6 cgs75-float:dnn_cgs75 cgs75-q6:dnn_cgs75_q6; do
      dir=exp/${system#*:}/decode_$set
      [ -f exp/dnn/decode_$set/text ] && [ -f $dir/text ] || continue
      echo "== $set: dense-float (Set1) against ${system%%:*} (Set2)"
      cgs-wer-bootci data/asr/$set/text exp/dnn/decode_$set/text $dir/text
    done
  done | tee exp/summary_bootci.txt
fi

if [ "$sweep" = true ] && begin_stage 17 "sweep: sparsity x weight bits x block size, dev %WER against weight memory"; then
  cgs-sweep-cgs --seed "$train_seed" --context "$dnn_context" --cmvn "$dnn_cmvn" --train-utts 600 --dev-utts 100 \
    --float-epochs 3 --qat-epochs 1 --graph-dir exp/tri1/graph \
    data/asr/train exp/tri1/ali.pdf.ark data/asr/dev exp/tri1_ali_dev/ali.pdf.ark "$(cat exp/tri1/graph/num_pdfs)" exp/sweep_cgs
  end_stage 17
fi
