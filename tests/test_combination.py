"""Background p-values and the combination rules."""

import numpy as np
import pytest

from collider_vae.combination import (
    background_p_values,
    combine_p_values,
    combined_scores,
    p_value_to_score,
)


def test_p_values_hand_computed():
    reference = np.array([4.0, 1.0, 3.0, 2.0])

    p = background_p_values(reference, np.array([0.0, 2.0, 2.5, 4.0, 5.0]))

    # (k + 1) / (n + 1) with k = references >= score: 4, 3, 2, 1, 0.
    np.testing.assert_allclose(p, [5 / 5, 4 / 5, 3 / 5, 2 / 5, 1 / 5])


def test_p_value_ties_count_as_at_or_above():
    p = background_p_values(np.array([1.0, 1.0, 1.0]), np.array([1.0]))

    np.testing.assert_allclose(p, [1.0])


def test_p_value_above_all_references():
    p = background_p_values(np.arange(99.0), np.array([1e9]))

    assert p[0] == pytest.approx(1 / 100)


def test_p_values_match_brute_force():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=500).round(1)
    scores = rng.normal(size=200).round(1)

    expected = [((reference >= x).sum() + 1) / (reference.size + 1) for x in scores]

    np.testing.assert_allclose(background_p_values(reference, scores), expected)


def test_p_values_keep_shape():
    assert background_p_values(np.arange(5.0), np.zeros((2, 3))).shape == (2, 3)


def test_p_values_reject_nan_and_empty_reference():
    with pytest.raises(ValueError, match="NaN"):
        background_p_values(np.array([1.0, np.nan]), np.array([0.5]))
    with pytest.raises(ValueError, match="empty"):
        background_p_values(np.array([]), np.array([0.5]))


def test_and_needs_every_method():
    # Event 0 is flagged by method a only, event 1 by both, event 2 by neither.
    p = {"a": np.array([0.001, 0.001, 0.5]), "b": np.array([0.6, 0.002, 0.4])}
    cut = 0.01

    passes_and = combine_p_values(p, "and") < cut
    passes_or = combine_p_values(p, "or") < cut

    np.testing.assert_array_equal(passes_and, [False, True, False])
    np.testing.assert_array_equal(passes_or, [True, True, False])


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("and", [0.5, 0.2]),
        ("or", [0.1, 0.05]),
        ("product", [0.1 * 0.5 * 0.4, 0.2 * 0.05 * 0.2]),
        ("mean", [(0.1 + 0.5 + 0.4) / 3, (0.2 + 0.05 + 0.2) / 3]),
    ],
)
def test_rules_hand_computed(rule, expected):
    p = np.array([[0.1, 0.5, 0.4], [0.2, 0.05, 0.2]])

    np.testing.assert_allclose(combine_p_values(p, rule), expected)


def test_methods_select_subset():
    p = {"a": np.array([0.1]), "b": np.array([0.9]), "c": np.array([0.01])}

    np.testing.assert_allclose(combine_p_values(p, "or", methods=["a", "b"]), [0.1])


def test_combination_errors():
    with pytest.raises(ValueError, match="Unknown combination rule 'xor'"):
        combine_p_values(np.full((2, 2), 0.5), "xor")
    with pytest.raises(ValueError, match="No p-values for methods"):
        combine_p_values({"a": np.array([0.1])}, "and", methods=["b"])
    with pytest.raises(ValueError, match="different lengths"):
        combine_p_values({"a": np.array([0.1]), "b": np.array([0.1, 0.2])}, "and")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        combine_p_values(np.array([[1.5, 0.1]]), "and")


def test_score_is_minus_log10_with_floor():
    scores = p_value_to_score(np.array([1.0, 0.01, 0.0]), floor=1e-6)

    np.testing.assert_allclose(scores, [0.0, 2.0, 6.0])


def test_combined_scores_end_to_end():
    reference = {"a": np.arange(9.0), "b": np.arange(9.0)}
    # Event 0 is above all references for a and below them for b. Event 1 is above for both.
    scores = {"a": np.array([100.0, 100.0]), "b": np.array([-1.0, 100.0])}

    and_scores = combined_scores(reference, scores, "and")
    or_scores = combined_scores(reference, scores, "or")

    # p = 1/10 above all 9 references and 10/10 below them.
    np.testing.assert_allclose(and_scores, [0.0, 1.0])
    np.testing.assert_allclose(or_scores, [1.0, 1.0])


def test_combined_scores_missing_reference():
    with pytest.raises(ValueError, match="No reference scores"):
        combined_scores({"a": np.arange(3.0)}, {"a": np.zeros(2), "b": np.zeros(2)}, "mean")
