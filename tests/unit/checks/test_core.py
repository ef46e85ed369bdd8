"""The checkers' core: relative error, the one return convention, the form checks that run
before the values are compared, and the naming of known mistakes."""
import numpy as np
import pytest
import tensorflow as tf

from gan_helpers import checks


def test_rel_error_is_symmetric_and_scale_free():
    assert checks.rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert checks.rel_error([1e6], [1.001e6]) == pytest.approx(0.001 / 2.001)
    assert checks.rel_error([2.0], [1.0]) == checks.rel_error([1.0], [2.0])
    with pytest.raises(AssertionError, match="shape mismatch"):
        checks.rel_error(np.zeros(3), np.zeros((3, 1)))


def test_check_function_prints_one_line_and_returns_none(passes):
    cases = [(np.linspace(0.1, 1.0, 5),)]
    assert passes(lambda fn: checks.check_function("sine", fn, np.sin, cases), np.sin) == 0.0
    near = passes(lambda fn: checks.check_function("sine", fn, np.sin, cases, tol=1e-3),
                  lambda x: np.sin(x) * (1 + 1e-5))
    assert 1e-6 < near < 1e-5


def test_check_function_accepts_tensors_and_lists(passes):
    cases = [(np.array([1.0, 2.0]),)]
    passes(lambda fn: checks.check_function("double", fn, lambda x: 2 * x, cases),
           lambda x: tf.constant(2 * x))
    passes(lambda fn: checks.check_function("double", fn, lambda x: 2 * x, cases),
           lambda x: [2 * v for v in x])


def test_check_function_lets_not_implemented_through():
    def todo(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_function("todo", todo, np.sin, [(np.ones(2),)])


def test_check_function_generic_hint_when_no_known_mistake_matches():
    with pytest.raises(AssertionError, match="not yet right.*the text above"):
        checks.check_function("f", np.cos, np.sin, [(np.ones(2),)],
                              wrong_answers=[(np.tan, "tangent")])


def test_check_function_names_the_known_mistake():
    with pytest.raises(AssertionError, match="f: not yet right .*Hint: cosine"):
        checks.check_function("f", np.cos, np.sin, [(np.ones(2),), (np.zeros(3),)],
                              wrong_answers=[(np.tan, "tangent"), (np.cos, "cosine")])


def test_a_failing_wrong_answer_is_skipped():
    def broken(x):
        raise ValueError()

    with pytest.raises(AssertionError, match="cosine"):
        checks.check_function("f", np.cos, np.sin, [(np.ones(2),)],
                              wrong_answers=[(broken, "broken"), (np.cos, "cosine")])


def test_an_exception_is_reported_with_its_hint():
    with pytest.raises(AssertionError, match="f: your function raised ZeroDivisionError: "
                                             "division by zero. Hint: the hint"):
        checks.check_function("f", lambda x: 1 / 0, np.sin, [(1.0,)], hint="the hint")
    with pytest.raises(AssertionError, match="raised ZeroDivisionError.*Hint: on error"):
        checks.check_function("f", lambda x: 1 / 0, np.sin, [(1.0,)], hint="the hint",
                              shape_hint="on shape", error_hint="on error")


def test_the_shape_is_checked_before_the_values():
    cases = [(np.ones(3),)]
    with pytest.raises(AssertionError, match=r"f: your result has shape \(\), expected \(3,\)\. "
                                             "Hint: one per element"):
        checks.check_function("f", np.sum, np.sin, cases, shape_hint="one per element")
    with pytest.raises(AssertionError, match=r"has shape \(\), expected \(3,\)\. Hint: general"):
        checks.check_function("f", np.sum, np.sin, cases, hint="general")
    with pytest.raises(AssertionError, match="Hint: you summed"):
        checks.check_function("f", np.sum, np.sin, cases, shape_hint="one per element",
                              wrong_shapes=[(lambda x: (1,), "a column"),
                                            (lambda x: (), "you summed")])


def test_nonfinite_and_complex_results_are_named():
    cases = [(np.array([1.0, 4.0]),)]
    with pytest.raises(AssertionError, match="inf or nan where the answer is finite. Hint: logs"):
        checks.check_function("f", lambda x: x + np.inf, np.sqrt, cases, finite_hint="logs")
    with pytest.raises(AssertionError, match="is complex .*Hint: take the real part"):
        checks.check_function("f", lambda x: np.sqrt(x) + 0.5j, np.sqrt, cases,
                              complex_hint="take the real part")


def test_a_negligible_imaginary_part_is_dropped(passes):
    passes(lambda fn: checks.check_function("f", fn, np.sqrt, [(np.array([1.0, 4.0]),)]),
           lambda x: np.sqrt(x) + 1e-12j)


def _pair(x):
    return np.sin(x), np.cos(x)


def test_check_parts_checks_each_part_and_prints_one_line(passes):
    cases = [(np.linspace(0, 1, 4),)]
    parts = ("sin", "cos")
    assert passes(lambda fn: checks.check_parts("pair", fn, _pair, cases, parts), _pair) == 0.0
    wrong = {"cos": [(lambda x: -np.cos(x), "sign of the cosine")]}
    hints = {"sin": "sine hint", "cos": "cosine hint"}
    with pytest.raises(AssertionError, match=r"pair \(cos\): not yet right.*sign of the cosine"):
        checks.check_parts("pair", lambda x: (np.sin(x), -np.cos(x)), _pair, cases, parts,
                           wrong_answers=wrong, hints=hints)
    with pytest.raises(AssertionError, match=r"pair \(sin\): your result has shape.*sine hint"):
        checks.check_parts("pair", lambda x: (np.sin(x)[:2], np.cos(x)), _pair, cases, parts,
                           hints=hints)
    with pytest.raises(AssertionError, match="pair: return a tuple of 2 arrays"):
        checks.check_parts("pair", np.sin, _pair, cases, parts)

    def broken(x):
        raise ValueError("no")

    with pytest.raises(AssertionError, match="raised ValueError: no. Hint: two arrays"):
        checks.check_parts("pair", broken, _pair, cases, parts, shape_hint="two arrays")



# --- the learner's side: verdicts that never stop a notebook ----------------------------------

@pytest.fixture
def learner(monkeypatch):
    """A learner's kernel: grading off, no attempts seen yet."""
    from gan_helpers.checks import core
    monkeypatch.delenv("GAN_WORKBOOK_GRADING", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(core, "_ATTEMPTED", set())


def _unsolved(p_data, p_g):
    raise NotImplementedError()


def _wrong(p_data, p_g):
    return p_g / (p_data + p_g)


def _right(p_data, p_g):
    return p_data / (p_data + p_g)


def test_a_learners_checker_prints_its_verdict_and_never_raises(learner, capsys):
    check = checks.check_optimal_discriminator
    assert check(_unsolved) is None
    assert "optimal_discriminator: not done yet" in capsys.readouterr().out
    assert check(_wrong) is None
    out = capsys.readouterr().out
    assert out.startswith("✗ optimal_discriminator: not yet right") and "probability that x is" \
        " fake" in out and "gh.checks.solution('optimal_discriminator')" in out
    assert check(_right) is None
    assert "correct!" in capsys.readouterr().out


@pytest.mark.parametrize("var, value", [("NBGRADER_EXECUTION", "autograde"),
                                        ("GAN_WORKBOOK_GRADING", "1")])
def test_under_grading_a_failing_checker_fails_its_cell(learner, monkeypatch, var, value):
    check = checks.check_optimal_discriminator
    monkeypatch.setenv(var, value)
    with pytest.raises(NotImplementedError):
        check(_unsolved)
    with pytest.raises(AssertionError, match="probability that x is fake"):
        check(_wrong)
    assert check(_right) is None


def test_grading_true_is_the_same_switch(learner):
    with pytest.raises(AssertionError):
        checks.check_optimal_discriminator(_wrong, grading=True)
    assert checks.check_optimal_discriminator(_wrong, grading=False) is None


def test_yours_or_reference(learner, capsys):
    from gan_helpers import theory
    for fn, why in ((_unsolved, "is not written yet"), (_wrong, "does not pass its check yet")):
        got = checks.yours_or_reference(fn, name="optimal_discriminator")
        assert got is theory.optimal_discriminator
        out = capsys.readouterr().out.strip()
        assert len(out.splitlines()) == 1 and why in out and \
            "gan_helpers.theory.optimal_discriminator" in out
    assert checks.yours_or_reference(_right, name="optimal_discriminator") is _right
    assert capsys.readouterr().out == ""          # silent when yours passes
    with pytest.raises(ValueError, match="not an exercise.*optimal_discriminator"):
        checks.yours_or_reference(_right)          # named _right: no such exercise


def test_a_solution_is_shown_only_after_an_attempt(learner, capsys):
    checks.solution("slerp")
    assert "try it first" in capsys.readouterr().out
    checks.check_slerp(lambda z0, z1, t: z0)       # a wrong attempt
    capsys.readouterr()
    checks.solution("slerp")
    out = capsys.readouterr().out
    assert "def slerp(" in out and "BEGIN SOLUTION" not in out
    with pytest.raises(ValueError, match="not an exercise"):
        checks.solution("slerpp")
