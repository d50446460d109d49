"""Bootstrap intervals of %WER and McNemar's test, on systems whose answers are known by hand."""
import pytest

from cgs_asr.bin import wer_bootci
from cgs_asr.score.bootci import bootstrap_wer, mcnemar_sentences
from cgs_asr.score.wer import compute_errors

REFS = {f"u{i:03d}": ["one", "two"] for i in range(100)}


def system(wrong: set[int]) -> "ErrorStats":  # noqa: F821
    """Utterance i gets its first word wrong when i is in ``wrong``."""
    return compute_errors(REFS, {u: (["oh", "two"] if i in wrong else ["one", "two"]) for i, u in enumerate(REFS)})


def test_interval_of_one_system_is_the_binomial_spread():
    # Half the utterances have 1 error in 2 words: a replicate's %WER is 50 x (share of them drawn), whose
    # standard deviation over 100 draws is 50 x 0.05 = 2.5 points, so the 95 % interval is about 25 +- 4.9.
    result = bootstrap_wer([system(set(range(0, 100, 2)))], resamples=4000, seed=1)
    (wer,) = result.wer
    assert wer.value == 25.0 and 19.5 < wer.low < 21.5 and 28.5 < wer.high < 30.5
    assert result.difference is None and result.prob_improvement is None


def test_paired_replicates_give_the_difference_and_the_probability_of_improvement():
    first, second = system(set(range(100))), system(set())   # one error in every utterance, then none
    result = bootstrap_wer([first, second], resamples=500)
    # Every replicate has 50 % against 0 %: the difference is the same in all of them.
    assert (result.difference.value, result.difference.low, result.difference.high) == (-50.0, -50.0, -50.0)
    assert result.prob_improvement == 1.0
    same = bootstrap_wer([first, first], resamples=500)
    assert (same.difference.low, same.difference.high, same.prob_improvement) == (0.0, 0.0, 0.0)
    # Better on 10 utterances, worse on none: fewer errors in every replicate that draws one of them.
    slightly = bootstrap_wer([system(set(range(20))), system(set(range(10)))], resamples=2000, seed=3)
    assert slightly.difference.value == -5.0 and slightly.difference.high < 0
    assert slightly.prob_improvement == pytest.approx(1 - 0.9 ** 100, abs=1e-3)


def test_mcnemar_counts_only_the_sentences_that_differ():
    # 3 sentences right only in the first, none only in the second: p = 2 x 0.5^3.
    test = mcnemar_sentences(system({7}), system({7, 10, 20, 30}))
    assert (test.only_first, test.only_second, test.p_value) == (3, 0, 0.25)
    assert mcnemar_sentences(system({1}), system({1})).p_value == 1.0


def test_bad_comparisons_are_refused():
    other = compute_errors({"x": ["one"]}, {"x": ["one"]})
    with pytest.raises(ValueError, match="different utterances"):
        bootstrap_wer([system(set()), other])
    with pytest.raises(ValueError, match="one or two systems"):
        bootstrap_wer([system(set())] * 3)
    with pytest.raises(ValueError, match="at least one resample"):
        bootstrap_wer([system(set())], resamples=0)


def test_program_prints_kaldi_lines(tmp_path, capsys):
    (tmp_path / "ref").write_text("".join(f"{u} one two\n" for u in REFS))
    (tmp_path / "a").write_text("".join(f"{u} {'oh' if i < 20 else 'one'} two\n" for i, u in enumerate(REFS)))
    (tmp_path / "b").write_text("".join(f"{u} one two\n" for u in REFS))
    wer_bootci.main(["--resamples", "300", str(tmp_path / "ref"), str(tmp_path / "a"), str(tmp_path / "b")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Set1: %WER 10.00 95% Conf Interval [ ")
    assert lines[1] == "Set2: %WER 0.00 95% Conf Interval [ 0.00, 0.00 ]"
    assert lines[2].startswith("Set2 - Set1: %WER -10.00 95% Conf Interval [ -")
    assert lines[3] == "Probability of Set2 improving Set1: 100.0%"
    assert lines[4] == f"Sentences right in Set1 only: 0, in Set2 only: 20; McNemar exact p = {2 * 0.5 ** 20:.3g}"
    with pytest.raises(SystemExit):
        wer_bootci.main([str(tmp_path / "ref"), *[str(tmp_path / "a")] * 3])
