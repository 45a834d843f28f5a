"""YAML in and out for curated files.

Loading is strict: duplicate keys are errors (YAML would silently keep the last), dates
stay strings until the model parses them, so "2024-02-30" is a field error and not a
crash inside the YAML library, and only `true`/`false` are booleans (YAML 1.2), so
Norway's code NO stays the string "NO". Dumping keeps the model's field order for readable diffs.
"""

from __future__ import annotations

from typing import Any

import yaml

from pactwatch.settings import only_true_false


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader without timestamp resolution and with duplicate-key detection, on
    libyaml's parser when PyYAML has it: the curated records run to megabytes, which the
    pure-Python parser reads ten times slower."""


# Dates stay strings until the model parses them; booleans are YAML 1.2's: only true and
# false (YAML 1.1 also reads on/off/yes/no, which would turn an event's `on:`, its date,
# into the key True).
only_true_false(StrictLoader, dropped=frozenset({"tag:yaml.org,2002:timestamp"}))


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise DuplicateKeyError(
                problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _RecordDumper(_Dumper):
    """Curated records: short mappings and lists of scalars on one line, so a provision's
    spans, review and a structure node each read as one line in a diff."""


def _compact(value: Any) -> bool:
    if isinstance(value, dict):
        return len(value) <= 8 and all(
            not isinstance(v, dict | list) or (isinstance(v, list) and all(_scalar(x) for x in v))
            for v in value.values()
        )
    return isinstance(value, list) and all(_scalar(x) for x in value)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
    flow = _compact(value) and not any(isinstance(v, str) and len(v) > 60 for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = _compact(value) or (
        all(isinstance(v, dict) and _compact(v) for v in value) and len(value) <= 3
    )
    if flow and sum(len(str(v)) for v in value) > 90:
        flow = all(not isinstance(v, dict) for v in value) and False
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_RecordDumper.add_representer(dict, _represent_dict)
_RecordDumper.add_representer(list, _represent_list)


def dump_record(data: Any) -> str:
    """A curated record as YAML that reads well and reloads to the same model."""
    return yaml.dump(data, Dumper=_RecordDumper, sort_keys=False, allow_unicode=True, width=100)


def without_empties(value: Any) -> Any:
    """A value without None, empty lists and empty mappings: what a curator would write."""
    if isinstance(value, dict):
        kept = {k: without_empties(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [without_empties(v) for v in value]
    return value


def record_yaml(record: Any) -> str:
    """A model (an agreement, a mapping) as the project's canonical curated YAML."""
    return dump_record(without_empties(record.model_dump(mode="json")))
