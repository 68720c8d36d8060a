"""YAML as an editor reads it: the YAML 1.2 core schema, as yaml-language-server does.

PyYAML reads YAML 1.1, where `no`, `on` and `yes` are booleans, `012` is octal and `1:30` is
90; the engine reads the same tree and reports each of those as a surprise (E007, E008). An
editor validating against the JSON Schema sees YAML 1.2, where they are text and decimal
numbers. This loader resolves plain scalars by the 1.2 core schema only, so a test validates
what an author's editor validates.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's implicit types: null, bool, int, float."""


Yaml12Loader.yaml_implicit_resolvers = {}

_T = "tag:yaml.org,2002:"
_RESOLVERS = {
    "null": (r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    "bool": (r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    "int": (r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    "float": (
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
}
for _kind, (_regexp, _first) in _RESOLVERS.items():
    Yaml12Loader.add_implicit_resolver(_T + _kind, re.compile(_regexp), _first)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)  # `012` is twelve in YAML 1.2


def _float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


def _bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


Yaml12Loader.add_constructor(_T + "int", _int)
Yaml12Loader.add_constructor(_T + "float", _float)
Yaml12Loader.add_constructor(_T + "bool", _bool)


def load(text: str) -> Any:
    """A YAML document as YAML 1.2's core schema reads it."""
    return yaml.load(text, Loader=Yaml12Loader)  # a SafeLoader, with 1.2's resolvers
