"""DfE published statistics and the statistical-neighbour model, as named in ``la.yaml``.

The files are read as text, exactly as downloaded from Explore Education Statistics; suppression
symbols (``c``, ``x``, ``z``, ``k``, ``u``, ``low``, ``:``) are kept as text so that the benchmark
measures can report them as missing with their reason, never as zero.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import Config


def published_files(config: Config) -> list[str]:
    """Every published file the configuration names (the model first), each once."""
    files = [config.published.sn_model] if config.published.sn_model else []
    files += [m.file for m in config.published.measures.values()]
    return list(dict.fromkeys(files))


def load_published(config: Config) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Read the published files named in the configuration.

    Returns:
        ``{file as named in la.yaml: table of text}`` and notes naming any file not found (a
        missing benchmark file is not fatal: the benchmark is reported as unavailable).
    """
    tables, notes = {}, []
    for file in published_files(config):
        path: Path = config.path(file)
        if not path.is_file():
            notes.append(f"{path}: published statistics file not found")
            continue
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        frame.columns = [c.strip() for c in frame.columns]
        tables[file] = frame.apply(lambda col: col.str.strip())
    return tables, notes
