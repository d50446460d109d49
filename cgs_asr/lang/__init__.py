"""Language side of the recognizer: Kaldi's prepare_lang and mkgraph on the pip Kaldi libraries.

- ``lexicon``: CMUdict pronunciations (39 stress-free phones), OOV policy
- ``subword``: grapheme-unit pronunciations from a SentencePiece model, for OOVs
- ``prepare``: the Kaldi lang dir (phones.txt, words.txt, phones/, topo, L.fst)
- ``topology``, ``lexicon_fst``: the HMM topology text and the L transducers
- ``ngram``: modified Kneser-Ney n-gram LM, ARPA writing/reading, perplexity
- ``grammar``: G from ARPA (kaldilm) or a word-list / word-loop task grammar
- ``hclg``: the HCLG decoding graph and the graph dir
- ``files``: atomic writes and readers of the small Kaldi text files
"""
