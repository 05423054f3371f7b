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


# Each authority's region, by DfE old_la_code: from the DfE statistical neighbour model 2025
# (sn_model_2025_wide.csv, Crown copyright, Open Government Licence v3.0), used when no published
# file the authority names gives its region.
LA_CODES_BY_REGION = {
    "East Midlands": ("830 831 855 856 857 891 892 925 940 941 "),
    "East of England": ("821 822 823 873 874 881 882 883 919 926 935 "),
    "London": (
        "201 202 203 204 205 206 207 208 209 210 211 212 213 301 302 303 304 305 306 307 308 309 "
        "310 311 312 313 314 315 316 317 318 319 320 "
    ),
    "North East": ("390 391 392 393 394 805 806 807 808 840 841 929 "),
    "North West": (
        "340 341 342 343 344 350 351 352 353 354 355 356 357 358 359 876 877 888 889 890 895 896 "
        "942 943 "
    ),
    "South East": ("825 826 845 846 850 851 852 867 868 869 870 871 872 886 887 921 931 936 938 "),
    "South West": ("420 800 801 802 803 838 839 865 866 878 879 880 908 916 933 "),
    "West Midlands": ("330 331 332 333 334 335 336 860 861 884 885 893 894 937 "),
    "Yorkshire and The Humber": ("370 371 372 373 380 381 382 383 384 810 811 812 813 815 816 "),
}


def _norm(text: str) -> str:
    return " ".join(str(text).lower().replace("&", "and").split())


def region_of(la_code: str, tables: dict[str, pd.DataFrame] | None = None) -> tuple[str, str]:
    """The region of an authority by its DfE ``old_la_code``, and where it was found.

    The published files the authority names come first (any row with ``old_la_code`` and
    ``region_name``), then :data:`LA_CODES_BY_REGION`. Returns ``("", "")`` for an unknown code.
    """
    code = str(la_code).strip()
    for file, table in (tables or {}).items():
        if {"old_la_code", "region_name"} <= set(table.columns):
            names = table.loc[table["old_la_code"] == code, "region_name"]
            names = names[names != ""]
            if len(names):
                return names.iloc[0], file
    for region, codes in LA_CODES_BY_REGION.items():
        if code in codes.split():
            return region, "the DfE statistical neighbour model 2025 (shipped with the suite)"
    return "", ""


def region_mismatch(config: Config, tables: dict[str, pd.DataFrame] | None = None) -> str:
    """Why ``authority.region`` does not fit ``authority.la_code`` ("" when it does, or either is
    unset): benchmarks against the wrong region would be read without a word otherwise."""
    la_code, region = config.authority.la_code, config.authority.region
    if not la_code:
        return ""
    found, where = region_of(la_code, tables)
    if not found:
        return (
            f"authority.la_code '{la_code}' is not a DfE local-authority code known to "
            "the published files or the statistical neighbour model: no authority, region or "
            "neighbour benchmark can be read for it"
        )
    if region and _norm(region) != _norm(found):
        return (
            f"authority.region is '{region}' but la_code {la_code} is in {found} (from {where}): "
            f"regional benchmarks would compare with the wrong region; set region: {found}, or "
            "correct la_code"
        )
    return ""
