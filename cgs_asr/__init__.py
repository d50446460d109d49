"""cgs_asr: Kaldi-style recipes for low-power DNN acoustic models with coarse-grain sparsification."""
