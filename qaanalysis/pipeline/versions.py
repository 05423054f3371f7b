"""The versions a pack's results depend on, for ``manifest.json``: so a pack can be reproduced."""

from __future__ import annotations

import platform
from importlib import metadata

# The distributions whose version can change a figure, a chart or a date a pack states: the
# statistics and data stack, the charts, and the bank holidays behind every working-day timescale.
RESULT_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "holidays",
    "python-calamine",
    "openpyxl",
)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def manifest_versions() -> dict[str, str]:
    """The versions of Python, the suite and the packages that shape its results.

    Returns:
        ``{"python": "3.11.7", "qaanalysis": "0.1.0", "numpy": "2.4.6", ...}``: Python, the suite,
        then each of ``RESULT_PACKAGES`` ("not installed" for one that is absent).
    """
    versions = {"python": platform.python_version(), "qaanalysis": _version("qaanalysis")}
    versions.update({name: _version(name) for name in RESULT_PACKAGES})
    return versions
