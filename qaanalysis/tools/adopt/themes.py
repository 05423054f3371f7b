"""Matching labels to codes and domains to themes by their meaningful words."""

from __future__ import annotations

from ...sources.hints import normalise_words

# Words that never decide a match: grammar, negation ("Communication / not kept informed" is not
# ``not_listened_to``) and words every practice label shares.
_THEME_STOPWORDS = {
    "and",
    "of",
    "the",
    "for",
    "with",
    "to",
    "in",
    "on",
    "a",
    "an",
    "by",
    "at",
    "not",
    "no",
    "nor",
    "child",
    "children",
    "childs",
    "young",
    "people",
    "person",
    "s",
    "quality",
    "practice",
    "case",
    "overall",
    "effective",
    "effectiveness",
    "good",
    "role",
    "unit",
    "decision",
    "making",
    "analysis",
}
# Words that carry no meaning when matching a question or a KPI name to a code.
_CODE_STOPWORDS = _THEME_STOPWORDS | {
    "you",
    "your",
    "i",
    "my",
    "me",
    "we",
    "our",
    "us",
    "do",
    "does",
    "did",
    "how",
    "what",
    "were",
    "was",
    "is",
    "are",
    "has",
    "have",
    "had",
    "get",
    "got",
    "well",
    "from",
    "within",
    "number",
    "percentage",
    "rate",
    "per",
    "cent",
    "average",
}
# Generic words: they say what kind of activity, not whose or about what. Shared alone they match
# only a label that has no other meaningful word: "Oversight" may be management oversight, but
# "IRO Oversight" is not (the IRO is no manager), nor is "Management oversight" a management
# response to an alert.
_GENERIC_WORDS = (
    "oversight",
    "management",
    "review",
    "planning",
    "plan",
    "work",
    "support",
    "response",
    "service",
    "issue",
    "concern",
)
# Abbreviations in domain and category labels, read as their words before matching.
_LABEL_EXPANSIONS = {
    "iro": "independent reviewing officer",
    "drp": "dispute resolution",
    "cp": "child protection",
    "cin": "child in need",
    "cla": "looked after",
    "lac": "looked after",
    "sw": "social worker",
}

# ---------------------------------------------------------------- themes


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_GENERIC_STEMS = frozenset(_stem(w) for w in _GENERIC_WORDS)


def _theme_words(
    text: str, stopwords: frozenset[str] | set[str] = _THEME_STOPWORDS
) -> dict[str, str]:
    """Meaningful words of a label, lightly stemmed: ``{stem: word as written}``.

    Abbreviations are read as their words ("IRO" -> independent reviewing officer).
    """
    words = {}
    for written in normalise_words(text).split():
        for word in _LABEL_EXPANSIONS.get(written, written).split():
            if word not in stopwords:
                words.setdefault(_stem(word), word)
    return words


def _covers(shared: set[str], words: dict[str, str], target: dict[str, str]) -> bool:
    """Whether shared words are enough: all of the code's words, or half of both sides' words.

    "Do you feel listened to?" has every word of ``listened_to``; "I feel supported by my
    manager" shares only "feel" with ``feel_settled``, a third of its own words: not enough.
    """
    if not shared or not target:
        return False
    return shared >= target.keys() or (
        2 * len(shared) >= len(target) and 2 * len(shared) >= len(words)
    )


def _only_generic(shared: set[str], words: dict[str, str]) -> bool:
    """Whether a match rests on generic words alone while the label says more than them."""
    return bool(shared) and shared <= _GENERIC_STEMS and bool(words.keys() - shared)


def _known_codes(key: str, defaults: dict) -> dict[str, list[str]]:
    """Codes the theme map names under ``key``, each with the texts its words are read from."""
    known: dict[str, list[str]] = {}
    for theme in defaults["themes"].values():
        for code in theme.get(key, []):
            known.setdefault(code, [code.replace("_", " ")])
    if key == "kpis":
        for kpi_id, kpi in defaults["kpis"].items():
            known.setdefault(kpi_id, [kpi_id.replace("_", " ")]).append(kpi["label"])
    return known


def _propose_code(label: str, known: dict[str, list[str]]) -> tuple[str | None, str]:
    """The known code a free-text label means, by shared words ("Do you feel listened to?" ->
    ``listened_to``); None when the shared words are too few (:func:`_covers`) or two codes match
    equally.

    Stop-words never count, and generic words alone do not match a label that says more."""
    words = _theme_words(label, _CODE_STOPWORDS)
    ranked = []
    for code, texts in known.items():
        best = (0.0, 0, set())
        for text in texts:
            target = _theme_words(text, _CODE_STOPWORDS)
            shared = words.keys() & target.keys()
            if _only_generic(shared, words) or not _covers(shared, words, target):
                continue
            if target and shared and len(shared) / len(target) > best[0]:
                best = (len(shared) / len(target), len(shared), shared)
        if best[0] >= 0.5:
            ranked.append((best[0], best[1], code, best[2]))
    if not ranked:
        return None, ""
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    if len(ranked) > 1 and ranked[1][:2] == ranked[0][:2]:
        return None, f"ambiguous: {ranked[0][2]} or {ranked[1][2]}"
    shared = ", ".join(sorted(words[w] for w in ranked[0][3]))
    return ranked[0][2], f"shares the word(s) {shared}"


def _propose_themes(
    domains: list[tuple[str, str]], defaults: dict
) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, str]]]:
    """Each domain's best theme by shared words with the theme's label and default domains.

    Generic words alone ("oversight", "review") do not place a domain whose label says more.

    Returns:
        ``{theme_id: [(domain_id, evidence), ...]}`` and the domains that matched no theme.
    """
    default_labels = {d["id"]: d["label"] for d in defaults["domains"]}
    themes = defaults["themes"]
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in themes}
    unmatched = []
    for domain_id, label in domains:
        words = _theme_words(label)
        best: tuple[int, int, str | None, set[str]] = (0, 0, None, set())
        for theme_id, theme in themes.items():
            own = set(_theme_words(theme["label"])) | set(_theme_words(theme_id.replace("_", " ")))
            via: set[str] = set()
            for d in theme.get("audit_domains", []):
                via |= set(_theme_words(default_labels.get(d, d.replace("_", " "))))
            same_id = domain_id in theme.get("audit_domains", [])
            shared = (words.keys() & own) | (words.keys() & via)
            if _only_generic(shared, words) and not same_id:
                continue
            # Words of the theme's own label count double; a default domain's id counts most.
            score = 2 * len(words.keys() & own) + len(words.keys() & via) + (10 if same_id else 0)
            if score > best[0] or (score == best[0] and score and len(own) < best[1]):
                best = (score, len(own), theme_id, shared)
        if best[2] is None:
            unmatched.append((domain_id, label))
            continue
        if best[3]:
            why = f"'{label}' shares the word(s) " + ", ".join(sorted(words[k] for k in best[3]))
        else:
            why = f"'{label}' has the id of a default domain of this theme"
        out[best[2]].append((domain_id, why))
    return out, unmatched
