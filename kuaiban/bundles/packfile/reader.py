"""Read a YAML pack file keeping the line of every mapping and key, for precise messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode


class LineDict(dict[str, Any]):
    """A mapping that remembers the line (1-based) where it starts and where each key is."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# libyaml's parser (shipped in PyYAML's wheels) is ~10x faster and still gives line marks.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


def _construct_mapping(loader: _LineLoader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float):
            raise yaml.constructor.ConstructorError(
                None, None, "键必须是文字或数字", key_node.start_mark
            )
        key = str(key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"键“{key}”重复", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> object:
    # An impossible date such as 2025-02-30 is a problem in the file, reported at its line.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"日期“{node.value}”无效", node.start_mark
        ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a pack file, located precisely."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class PackFileError(Exception):
    """The file cannot be read at all (missing, not UTF-8, not YAML)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_text(path: Path) -> str:
    """The file's text (UTF-8), or a PackFileError that says why it cannot be read."""
    name = str(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackFileError(Problem(name, 0, "文件不存在")) from None
    except UnicodeDecodeError as exc:
        raise PackFileError(Problem(name, 0, f"文件不是 UTF-8 编码：{exc.reason}")) from None
    except OSError as exc:
        raise PackFileError(Problem(name, 0, f"无法读取文件：{exc.strerror}")) from None


def read_yaml(path: Path) -> LineDict:
    return parse_yaml(read_text(path), name=str(path))


def parse_yaml(text: str, *, name: str) -> LineDict:
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        reason = exc.problem or exc.context or "YAML 格式错误"
        raise PackFileError(Problem(name, line, f"YAML 格式错误：{reason}")) from None
    except yaml.YAMLError as exc:
        raise PackFileError(Problem(name, 0, f"YAML 格式错误：{exc}")) from None
    if not isinstance(data, LineDict):
        raise PackFileError(Problem(name, 1, "文件顶层应为键值映射（mapping）"))
    return data
