"""Where learners install the workbook from, defined once: ``pyproject.toml``.

``[project] version`` names the release (its git tag is ``v<version>``) and ``[project.urls]
Repository`` the repository. From these two, ``python -m gan_helpers.instructor build``
generates every place a learner meets them, and a test keeps those identical:

* the first cell of every notebook (:func:`install_cell`): on Colab it installs exactly that
  release (``pip install "gan-workbook @ git+<repository>@v<version>"``), showing pip's output
  if it fails; everywhere it checks that the installed ``gan_helpers`` is the version the
  notebook was written for, and says what to do if not;
* the README's Colab badges (:func:`colab_url`), which open the notebooks *of that release*.

Releasing: bump ``version``, run the build, commit, and tag that commit ``v<version>``.
"""
import re
from dataclasses import dataclass
from pathlib import Path

URL_KEYS = ("repository", "source", "source code", "code", "homepage")
HOSTED = re.compile(r"https://(github\.com|gitlab\.com|bitbucket\.org)/([\w.-]+)/([\w.-]+)$")
INSTALL_MARK = 'if "google.colab" in sys.modules:'


class ReleaseError(ValueError):
    """pyproject.toml does not say which release to install from where."""


@dataclass(frozen=True)
class Release:
    name: str        # the distribution, e.g. gan-workbook
    version: str     # e.g. 0.1.0
    repository: str  # e.g. https://github.com/gan-workbook/gan-workbook (no .git, no slash)

    @property
    def tag(self):
        return f"v{self.version}"

    @property
    def requirement(self):
        """The pip requirement of exactly this release."""
        return f"{self.name} @ git+{self.repository}@{self.tag}"


def _toml(text):
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        return _toml_subset(text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ReleaseError(f"pyproject.toml is not valid TOML: {err}") from None


def _toml_subset(text):
    # Enough of TOML for this file's [project] name/version and [project.urls] on Python 3.10.
    data, table = {"project": {"urls": {}}}, None
    for line in text.splitlines():
        header = re.match(r"\s*\[([^\]]+)\]\s*$", line)
        if header:
            table = header.group(1).strip()
            continue
        pair = re.match(r'\s*"?([\w .-]+?)"?\s*=\s*"([^"]*)"\s*$', line)
        if pair and table == "project":
            data["project"][pair.group(1)] = pair.group(2)
        elif pair and table == "project.urls":
            data["project"]["urls"][pair.group(1)] = pair.group(2)
    return data


def read_release(pyproject):
    """The :class:`Release` that ``pyproject`` (a path) names; raises :class:`ReleaseError`
    naming what is missing."""
    path = Path(pyproject)
    try:
        project = _toml(path.read_text(encoding="utf-8")).get("project", {})
    except OSError as err:
        raise ReleaseError(f"cannot read {path}: {err.strerror}") from None
    version = str(project.get("version", "")).strip()
    if not re.fullmatch(r"\d+(\.\d+)*([a-z]+\d*)?", version):
        raise ReleaseError(f"{path}: [project] version must be a release number like 0.1.0 "
                           f"(got {version!r}); its tag v<version> is what notebooks install.")
    urls = {k.strip().lower(): str(v).strip().rstrip("/")
            for k, v in (project.get("urls") or {}).items()}
    for key in URL_KEYS:
        url = urls.get(key, "").removesuffix(".git")
        if HOSTED.match(url):
            return Release(project.get("name", "gan-workbook"), version, url)
    raise ReleaseError(f"{path}: [project.urls] needs a Repository on GitHub, GitLab or "
                       "Bitbucket (https://github.com/<owner>/<name>), the one place the "
                       "notebooks' install cell and the README's badges take it from.")


def colab_url(release, notebook_name):
    """The Colab link that opens ``notebooks/<notebook_name>`` of this release (GitHub only)."""
    host, owner, repo = HOSTED.match(release.repository).groups()
    if host != "github.com":
        raise ReleaseError(f"Colab opens notebooks from GitHub only, not {host}.")
    return (f"https://colab.research.google.com/github/{owner}/{repo}/blob/{release.tag}/"
            f"notebooks/{notebook_name}")


def install_cell(release):
    """The source of every notebook's first cell for this release."""
    return f'''# On Colab, install the workbook's helpers; everywhere, check their version.
# (Generated from pyproject.toml by `python -m gan_helpers.instructor build`; do not edit.)
import subprocess
import sys

RELEASE = "{release.version}"  # the gan-workbook release this notebook was written for
REQUIREMENT = "{release.requirement}"
{INSTALL_MARK}
    pip = subprocess.run([sys.executable, "-m", "pip", "install", REQUIREMENT],
                         capture_output=True, text=True)
    if pip.returncode != 0:  # show what went wrong now, not an obscure error later
        print(pip.stdout[-3000:], pip.stderr[-3000:], sep="\\n")
        raise RuntimeError(f"pip could not install gan-workbook {{RELEASE}} (its output is "
                           "above); check the connection, then run this cell again.")
    print(f"installed {{REQUIREMENT}}")
import gan_helpers as gh  # noqa: E402

if gh.__version__ != RELEASE:
    raise RuntimeError(
        f"This notebook was written for gan-workbook {{RELEASE}}, but version "
        f"{{gh.__version__}} is installed ({{gh.__file__}}). Install the "
        f"matching one (pip install \\"{{REQUIREMENT}}\\"), then restart the kernel; or open "
        f"the notebooks of your version, tag v{{gh.__version__}} of the repository.")
'''
