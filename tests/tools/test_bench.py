"""``tools/bench.py``: the benchmark's arithmetic, and one tiny end-to-end run (timings are
never asserted)."""
import pytest

import gan_helpers as gh


def test_flop_count_matches_the_tutorial_step(bench):
    g, d = gh.dcgan_generator(), gh.dcgan_discriminator()
    # Hand count of multiply-adds (5x5 kernels; a transposed conv works per input pixel):
    # project 100->12544, up_1 256->128 on 7x7, up_2 128->64 from 7x7, image 64->1 from 14x14
    assert bench.forward_flops(g) == 2 * (100 * 12544 + 25 * 256 * 128 * 49
                                          + 25 * 128 * 64 * 49 + 25 * 64 * 1 * 196)
    # conv_1 1->64 to 14x14, conv_2 64->128 to 7x7, logit 6272->1
    assert bench.forward_flops(d) == 2 * (25 * 1 * 64 * 196 + 25 * 64 * 128 * 49 + 6272)
    assert 430e6 < bench.step_flops_per_image(g, d) < 440e6  # REFERENCES.md: ≈435 MFLOP


def test_tiny_benchmark_prints_rates_and_ratios(capsys, bench):
    bench.main(["--batch-size", "8", "--steps", "1", "--repeats", "1"])
    out = capsys.readouterr().out
    assert "tutorial (float32):" in out and "images/s" in out and "MFU" in out
    assert "ratio (gan_helpers float32 / tutorial):" in out
    assert "simultaneous (the tutorial's update)" in out and "alternating (the default)" in out
    assert "ratio (gan_helpers float32 alternating / tutorial):" in out
    assert "ratio (gan_helpers best / tutorial):" in out


def test_bad_arguments_are_refused(bench):
    with pytest.raises(SystemExit):
        bench.main(["--steps", "0"])


def test_time_to_threshold_needs_two_consecutive_evaluations(bench):
    curve = [(10, 300.0, 5), (20, 140.0, 10), (30, 160.0, 15), (40, 120.0, 20), (50, 110.0, 25)]
    assert bench._time_to(curve, 150) == 40   # 20 s was a lone dip under the threshold
    assert bench._time_to(curve, 100) == float("inf")
    assert bench._fid_at_step(curve, 12.5) == 150.0  # halfway between 140 and 160


def test_time_ratio_is_an_upper_bound_when_the_tutorial_never_gets_there(bench):
    inf = float("inf")
    assert bench._time_ratio(40.0, 100.0, 180) == "0.40"
    assert bench._time_ratio(80.0, inf, 180).startswith("< 0.44 ")
    assert bench._time_ratio(inf, 100.0, 180).startswith("n/a")
