"""On Colab, run folders can live on Google Drive (mounted on request); elsewhere nothing
changes. Colab is faked by a stand-in ``google.colab`` module."""
import os
import sys
import types

import pytest

import gan_helpers as gh
from gan_helpers import training


@pytest.fixture
def fake_colab(monkeypatch, tmp_path):
    mounted = []

    def mount(mount_point):          # what Colab's drive.mount leaves behind: MyDrive
        mounted.append(mount_point)
        os.makedirs(os.path.join(mount_point, "MyDrive"), exist_ok=True)

    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    colab.drive = types.SimpleNamespace(mount=mount)
    google.colab = colab
    monkeypatch.setitem(sys.modules, "google", google)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.delenv(training.RUNS_ENV, raising=False)
    monkeypatch.setattr(training, "_drive_hint_shown", False)
    monkeypatch.chdir(tmp_path)
    return mounted


def test_on_colab_runs_go_to_drive_after_one_call(fake_colab, tmp_path, capsys):
    mount_point = str(tmp_path / "drive")
    root = gh.use_google_drive(mount_point=mount_point)
    assert fake_colab == [mount_point]
    assert root == os.path.join(mount_point, "MyDrive", "gan-workbook", "runs")
    assert os.environ[training.RUNS_ENV] == root and "Google Drive" in capsys.readouterr().out
    run = gh.new_run_dir("04_dcgan")
    assert os.path.dirname(run) == root and os.path.isdir(run)


def test_on_colab_without_drive_the_first_run_folder_says_how_to_keep_it(fake_colab, capsys):
    first = gh.new_run_dir("x")
    assert "gh.use_google_drive()" in capsys.readouterr().out
    gh.new_run_dir("x")
    assert capsys.readouterr().out == ""                 # said once, not at every folder
    assert os.path.dirname(first) == "runs"              # and nothing else changed


def test_elsewhere_nothing_changes(monkeypatch, tmp_path, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv(training.RUNS_ENV, raising=False)
    monkeypatch.setattr(training, "_drive_hint_shown", False)
    monkeypatch.chdir(tmp_path)
    assert gh.use_google_drive() is None
    assert "Not on Colab" in capsys.readouterr().out and training.RUNS_ENV not in os.environ
    gh.new_run_dir("x")
    assert capsys.readouterr().out == ""
