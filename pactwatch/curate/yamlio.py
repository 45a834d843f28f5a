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


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamp resolution and with duplicate-key detection."""


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
