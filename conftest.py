"""Test-wide settings. nbval starts each notebook's kernel from this process, so the
environment set here reaches the notebooks: the tiny 'smoke' profile, offline data,
and a throw-away folder for run outputs (figures, checkpoints)."""
import os
import tempfile

os.environ.setdefault("GAN_WORKBOOK_PROFILE", "smoke")
os.environ.setdefault("GAN_WORKBOOK_RUNS", tempfile.mkdtemp(prefix="gan-workbook-runs-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Same data everywhere: the bundled 5k subset (auto-detection is unit-tested separately).
os.environ.setdefault("GAN_WORKBOOK_OFFLINE", "1")
