"""The built-in synthetic corpus: TTS speakers, augmentation and the corpus builder."""
