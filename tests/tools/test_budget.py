"""``python tools/budget.py``: it reads every notebook's sizes, counts the optimiser updates a
notebook really makes, keeps `full` within 15 minutes on a T4 by its estimate, and the README
shows its current table."""
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_notebook_states_all_three_profiles(budget):
    paths = budget.notebook_paths()
    assert list(paths) == [f"{k:02d}" for k in range(len(paths))] and len(paths) >= 8
    for nb, path in paths.items():
        sizes = budget.profile_sizes(path)
        assert set(sizes) == {"smoke", "quick", "full"}, nb
        assert set(sizes["smoke"]) == set(sizes["quick"]) == set(sizes["full"]), nb


def test_every_training_notebook_has_its_accounting(budget):
    for profile in ("smoke", "quick", "full"):
        work = budget.work(profile)
        for nb, runs in work.items():
            if nb == "00":
                assert runs == []
                continue
            assert runs and all(r.steps > 0 and r.batch > 0 and r.updates >= 1
                                and r.flops_per_image > 0 for r in runs), (profile, nb)


def test_profiles_grow_from_smoke_to_full(budget):
    total = {p: {nb: budget.counted_updates(r) for nb, r in budget.work(p).items()}
             for p in ("smoke", "quick", "full")}
    for nb in total["full"]:
        assert total["smoke"][nb] <= total["quick"][nb] <= total["full"][nb], nb


def test_quick_trains_as_long_online_as_offline(budget):
    # A size of None ("all the training images") would make a laptop with internet (60,000
    # images) train 15 times longer than the offline subset this profile is measured on.
    online, offline = budget.work("quick", "online"), budget.work("quick", "offline")
    assert {nb: budget.counted_updates(r) for nb, r in online.items()} == \
        {nb: budget.counted_updates(r) for nb, r in offline.items()}


def test_a_gan_step_counts_three_generator_and_nine_discriminator_passes(budget, bench):
    import gan_helpers as gh
    f_g = bench.forward_flops(gh.dcgan_generator(width=0.25))
    f_d = bench.forward_flops(gh.dcgan_discriminator(width=0.25))
    assert budget.dcgan(0.25) == 3 * f_g + 9 * f_d  # one G pass serves both updates
    # each extra D update draws fresh fakes: G forward, D forward and backward on 2 images
    g = bench.forward_flops(gh.dense_generator(8, (16,), output_shape=2))
    d = bench.forward_flops(gh.dense_discriminator(input_shape=2, widths=(16,)))
    five = budget.dense_gan(8, (16,), (16,), out=2, d_in=2, d_steps=5)
    assert five == 4 * (g + 6 * d) + 3 * g + 9 * d


def test_the_estimate_is_the_slower_of_flops_and_the_per_update_floor(budget):
    run = budget.Run("xx", "r", steps=100, batch=64, updates=2, flops_per_image=1e6)
    assert budget.step_seconds(run, tflops=10, floor_ms=1) == pytest.approx(2e-3)
    heavy = run._replace(flops_per_image=1e9)
    assert budget.step_seconds(heavy, tflops=10, floor_ms=1) == pytest.approx(64e9 / 10e12)
    assert budget.estimate([run, heavy], 10, 1, overhead_s=60) == pytest.approx(
        60 + 100 * 2e-3 + 100 * 64e9 / 10e12)


def test_full_fits_fifteen_minutes_on_a_t4_by_the_estimate(budget, capsys):
    assert budget.main(["--check"]) == 0
    # ...and the check can fail: a tighter limit flags the longest notebook
    assert budget.main(["--check", "--limit-min", "5"]) == 1
    assert "over 5 min on a T4" in capsys.readouterr().out


def test_readme_shows_the_current_table(budget, capsys):
    assert budget.main(["--markdown"]) == 0
    table = capsys.readouterr().out.strip()
    block = re.search(r"<!-- budget:start -->\n(.*?)\n<!-- budget:end -->",
                      README.read_text(encoding="utf-8"), re.S)
    assert block, "README.md lacks the <!-- budget:start/end --> block"
    assert block.group(1).strip() == table, \
        "README's budget table is stale: paste `python tools/budget.py --markdown` into it"


@pytest.mark.parametrize("argv, message", [
    (["--t4-tflops", "0"], "must be positive"),
    (["--verify", "99"], "no notebook 99"),
])
def test_bad_arguments_are_refused(budget, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        budget.main(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.integration
def test_the_accounting_matches_a_real_execution(budget):
    # Notebook 06 under smoke: its GAN's two optimisers make as many updates as counted.
    executed, optimizers = budget.executed_updates("06")
    assert optimizers >= 2
    counted = budget.counted_updates(budget.work("smoke", "offline")["06"])
    assert 0 <= executed - counted <= budget.SLACK
