"""The QA lead's own words for one period's report, read from a small YAML file.

The file is ``<narrative_inputs>/<period>.yaml`` beside ``la.yaml`` (``narrative_inputs`` in the
configuration, default ``narrative_inputs``), for example ``narrative_inputs/2026-27-Q2.yaml``::

    auditors_findings: |
      Plans were clearer this quarter ...
    make_a_difference: |
      ...
    observations: |
      ...
    multi_agency_learning: |
      ...
    key_messages:            # optional edits of the drafted key messages, by their number
      1:
        owner: Head of Service, Safeguarding
        due: 2026-12-31
        text: ...            # also: meaning, action

Every slot is optional: a missing one is shown in the draft as a marked slot to fill. The words
are Markdown text; the renderer escapes any HTML in them like every other input. A file that
cannot be read, or that holds an unknown key or a value of the wrong kind, stops the run with a
message naming the file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import Config, ConfigError
from ..periods import Period

#: The slots a QA lead may fill (the report places each in its section).
SLOT_NAMES = ("auditors_findings", "make_a_difference", "observations", "multi_agency_learning")
#: What a key message edit may change.
MESSAGE_FIELDS = ("text", "meaning", "action", "owner", "due")
MAX_BYTES = 200_000


class NarrativeInputsError(ConfigError, ValueError):
    """The narrative inputs file could not be read; the message names the file and line (the
    command line reports it as it does a configuration error: exit code 2)."""


@dataclass(frozen=True)
class NarrativeInputs:
    """The QA lead's words for a period.

    Attributes:
        path: the file read (or the file that would be read, when there is none).
        found: whether the file exists.
        slots: slot name -> its text (only the slots given).
        key_messages: key message number -> the fields to replace.
    """

    path: Path
    found: bool = False
    slots: dict[str, str] = field(default_factory=dict)
    key_messages: dict[int, dict[str, str]] = field(default_factory=dict)

    def text(self, slot: str) -> str | None:
        return self.slots.get(slot)


def inputs_path(config: Config, period: Period) -> Path:
    """Where the period's narrative inputs are read from."""
    return config.path(config.narrative_inputs) / f"{period.code}.yaml"


def read_narrative_inputs(config: Config, period: Period) -> NarrativeInputs:
    """The period's narrative inputs (empty when the file does not exist).

    Raises:
        NarrativeInputsError: the file is unreadable, too large, not YAML, or holds an unknown key
            or a value of the wrong kind (the message names the file and line).
    """
    path = inputs_path(config, period)
    if not path.is_file():
        return NarrativeInputs(path)
    if path.stat().st_size > MAX_BYTES:
        raise NarrativeInputsError(
            f"{path}: larger than {MAX_BYTES:,} bytes; is it the right file?"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NarrativeInputsError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise NarrativeInputsError(f"{path}{where}: not valid YAML ({problem})") from None
    if root is None:
        return NarrativeInputs(path, found=True)
    if not isinstance(root, yaml.MappingNode):
        raise NarrativeInputsError(f"{path}, line 1: expected headings such as auditors_findings:")
    slots: dict[str, str] = {}
    messages: dict[int, dict[str, str]] = {}
    for key, value in root.value:
        name = str(key.value).strip()
        if name in SLOT_NAMES:
            slots[name] = _text(value, path, name)
        elif name == "key_messages":
            messages = _messages(value, path)
        else:
            raise NarrativeInputsError(
                f"{path}, line {key.start_mark.line + 1}: unknown heading {name!r}; the headings "
                f"are {', '.join(SLOT_NAMES)} and key_messages"
            )
    return NarrativeInputs(path, True, slots, messages)


def _text(node: yaml.Node, path: Path, name: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise NarrativeInputsError(
            f"{path}, line {node.start_mark.line + 1}: {name} should be text (write it after "
            f"'{name}: |' on the lines below, indented)"
        )
    value = yaml.safe_load(yaml.serialize(node))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _messages(node: yaml.Node, path: Path) -> dict[int, dict[str, str]]:
    if not isinstance(node, yaml.MappingNode):
        raise NarrativeInputsError(
            f"{path}, line {node.start_mark.line + 1}: key_messages should list messages by "
            "number (1:, 2:, ...), each with the fields to change"
        )
    out: dict[int, dict[str, str]] = {}
    for key, value in node.value:
        line = key.start_mark.line + 1
        try:
            rank = int(str(key.value))
        except ValueError:
            rank = 0
        if rank < 1:
            raise NarrativeInputsError(
                f"{path}, line {line}: {key.value!r} is not a key message number (1, 2, ...)"
            )
        if not isinstance(value, yaml.MappingNode):
            raise NarrativeInputsError(
                f"{path}, line {line}: key message {rank} should have fields such as owner: "
                "and due:"
            )
        fields: dict[str, str] = {}
        for k, v in value.value:
            name = str(k.value).strip()
            if name not in MESSAGE_FIELDS:
                raise NarrativeInputsError(
                    f"{path}, line {k.start_mark.line + 1}: key message {rank} has no field "
                    f"{name!r}; the fields are {', '.join(MESSAGE_FIELDS)}"
                )
            fields[name] = _text(v, path, f"key message {rank} {name}")
        out[rank] = fields
    return out
