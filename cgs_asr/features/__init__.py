"""Feature extraction (kaldi-native-fbank), Kaldi-style options, CMVN."""
