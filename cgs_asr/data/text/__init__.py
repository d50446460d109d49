"""Text generators for the built-in synthetic corpus.

``commands`` writes the sentences of the ASR task (a command-and-query
language), ``keywords`` the utterances of the keyword-spotting task with their
keyword labels. Both are deterministic per seed; audio is synthesized from
this text elsewhere.
"""
