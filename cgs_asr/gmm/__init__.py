"""GMM-HMM acoustic models: monophone and triphone training, alignment, GMM decoding.

- ``feats``: GMM input features (stored MFCC + per-speaker CMVN + deltas)
- ``model``: the model (tree, transition model, GMMs, feature settings), flat-start init
- ``model_io``: saving and loading as arrays and JSON
- ``loglikes``: frames x pdfs log-likelihood matrices
- ``graphs``: transcripts to word ids (OOV policy) and training graphs
- ``align``: Viterbi and equal alignment of one utterance
- ``stats``: statistics from alignments, ML re-estimation, mixing up
- ``training``: the EM loop (realign, re-estimate, mix up) on a schedule
- ``mono``: flat start and the train_mono.sh schedule
- ``tree``: phonetic decision trees in Kaldi's binary tree format
- ``tri``: triphones from a monophone alignment (train_deltas.sh)
- ``parallel``: forked jobs and single-threaded BLAS
- ``steps``: the stage over files (train, align, graph, decode)
"""
