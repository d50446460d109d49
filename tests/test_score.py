"""WER/SER counting and Kaldi-format output, checked against hand counts."""
import pytest

from cgs_asr.score.wer import (
    compute_errors,
    format_ser,
    format_summary,
    format_wer,
    per_spk_details,
    per_utt_details,
    read_text,
    score_text_files,
)

REF = """\
u1 one two three four
u2 five six seven
u3 nine ten
u4 oh zero
u5 yes
"""
# u4 is missing from the hypotheses.
HYP = """\
u1 one two three four
u2 five sex seven eight
u3 ten
u5 no
"""
# Hand count (each alignment is the only one of minimum cost):
#   u1: 4 ref words, all correct                       -> 0 errors
#   u2: 3 ref words, six->sex (1 sub), +eight (1 ins)  -> 2 errors
#   u3: 2 ref words, nine deleted (1 del)              -> 1 error
#   u4: 2 ref words, missing hyp: both deleted (2 del) -> 2 errors
#   u5: 1 ref word,  yes->no (1 sub)                   -> 1 error
# ref words 4+3+2+2+1 = 12; ins 1, del 1+2 = 3, sub 1+1 = 2; errors 6
# WER = 6/12 = 50.00 %; sentences with errors: u2 u3 u4 u5 = 4 of 5 -> 80.00 %


@pytest.fixture
def text_files(tmp_path):
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text(REF)
    hyp.write_text(HYP)
    return ref, hyp


def test_hand_counted_example(text_files):
    stats = score_text_files(*text_files)
    assert (stats.ins, stats.dels, stats.subs, stats.errors, stats.ref_words) == (1, 3, 2, 6, 12)
    assert (stats.sentence_errors, stats.sentences, stats.missing) == (4, 5, 1)
    assert format_wer(stats) == "%WER 50.00 [ 6 / 12, 1 ins, 3 del, 2 sub ]"
    assert format_ser(stats) == "%SER 80.00 [ 4 / 5 ]"
    assert format_summary(stats) == (
        "%WER 50.00 [ 6 / 12, 1 ins, 3 del, 2 sub ]\n"
        "%SER 80.00 [ 4 / 5 ]\n"
        "Scored 5 sentences, 1 not present in hyp.\n"
    )


def test_per_utterance_listing(text_files):
    lines = per_utt_details(score_text_files(*text_files)).splitlines()
    u2 = [line for line in lines if line.startswith("u2 ")]
    # column widths 4,3,5,5; short tokens centred with the odd space on the left
    assert u2 == [
        "u2 ref  five  six  seven  <eps>",
        "u2 hyp  five  sex  seven  eight",
        "u2 op     C    S     C      I  ",
        "u2 #csid 2 1 1 0",
    ]
    assert "u4 hyp  <eps>  <eps>" in lines
    assert "u4 #csid 0 0 0 2" in lines
    assert "u1 #csid 4 0 0 0" in lines


def test_per_speaker_table(text_files):
    # Speaker A: u1 u2 -> 7 words, 6 correct, 1 sub, 1 ins, 0 del, 2 errors; u2 wrong (1 of 2 sentences).
    # Speaker B: u3 u4 u5 -> 5 words, 1 correct (ten), 1 sub, 0 ins, 3 del, 4 errors; 3 of 3 sentences wrong.
    utt2spk = {"u1": "A", "u2": "A", "u3": "B", "u4": "B", "u5": "B"}
    assert per_spk_details(score_text_files(*text_files), utt2spk).splitlines() == [
        "SPEAKER  id    #SENT  #WORD    Corr     Sub     Ins     Del     Err   S.Err",
        "A        raw       2      7       6       1       1       0       2       1",
        "A        sys       2      7   85.71   14.29   14.29    0.00   28.57   50.00",
        "B        raw       3      5       1       1       0       3       4       3",
        "B        sys       3      5   20.00   20.00    0.00   60.00   80.00  100.00",
        "SUM      raw       5     12       7       2       1       3       6       4",
        "SUM      sys       5     12   58.33   16.67    8.33   25.00   50.00   80.00",
    ]
    with pytest.raises(ValueError, match="'u5' has no speaker"):
        per_spk_details(score_text_files(*text_files), {k: v for k, v in utt2spk.items() if k != "u5"})


def test_empty_hypothesis_is_all_deletions():
    stats = compute_errors({"a": ["x", "y", "z"]}, {"a": []})
    assert (stats.ins, stats.dels, stats.subs) == (0, 3, 0)
    assert stats.missing == 0
    assert format_wer(stats) == "%WER 100.00 [ 3 / 3, 0 ins, 3 del, 0 sub ]"
    assert format_ser(stats) == "%SER 100.00 [ 1 / 1 ]"


def test_missing_utterance_counts_as_deletions():
    stats = compute_errors({"a": ["x", "y"], "b": ["z"]}, {"a": ["x", "y"]})
    assert (stats.dels, stats.errors, stats.missing) == (1, 1, 1)
    assert format_wer(stats) == "%WER 33.33 [ 1 / 3, 0 ins, 1 del, 0 sub ]"
    assert format_ser(stats) == "%SER 50.00 [ 1 / 2 ]"


def test_empty_reference_and_hypothesis():
    stats = compute_errors({"a": []}, {"a": []})
    assert format_wer(stats) == "%WER 0.00 [ 0 / 0, 0 ins, 0 del, 0 sub ]"
    inserted = compute_errors({"a": []}, {"a": ["w"]})
    assert (inserted.ins, inserted.sentence_errors) == (1, 1)


def test_hypothesis_without_reference_is_an_error():
    with pytest.raises(ValueError, match="no reference: b"):
        compute_errors({"a": ["x"]}, {"a": ["x"], "b": ["y"]})


def test_read_text_names_file_and_line(tmp_path):
    path = tmp_path / "text"
    path.write_text("u1 a b\nu2\nu1 c\n")
    with pytest.raises(ValueError, match=r"text:3: utterance 'u1' appears twice"):
        read_text(path)
    path.write_text("u1 a\n\n")
    with pytest.raises(ValueError, match=r"text:2: empty line"):
        read_text(path)
    path.write_text("u1 a b\nu2\n")
    assert read_text(path) == {"u1": ["a", "b"], "u2": []}
