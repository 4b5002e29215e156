"""YAML text: the one safe reader, and edits one top-level key at a time that leave every other
line (comments too) as it is."""

from __future__ import annotations

import yaml

SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML, with libyaml's parser when present (it also bounds the nesting depth); dates stay
    text, so that an impossible date is the reader's own error, with its line."""


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def repeated_node(root: yaml.Node) -> yaml.Node | None:
    """The first node used twice (an alias, *name), found before anything is built: a few lines
    of aliases can stand for billions of values."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def safe_load(text: str) -> object:
    """Read YAML text with SafeLoader."""
    return yaml.load(text, Loader=SafeLoader)


def block_range(lines: list[str], key: str) -> tuple[int, int] | None:
    """The lines [start, end) of a top-level key and its value, or None if the key is not there."""
    start = next(
        (i for i, line in enumerate(lines) if line.split(":", 1)[0] == key and ":" in line), None
    )
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t", "-") or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after the block stay where they are
    return start, end


def dump_lines(value: object) -> list[str]:
    return (
        yaml.dump(value, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
        .rstrip("\n")
        .split("\n")
    )


def set_top_level(front: str, key: str, value: object) -> str:
    """Replace (or append) one top-level key of YAML text, leaving every other line as it is."""
    block = dump_lines({key: value})
    lines = front.split("\n") if front else []
    found = block_range(lines, key)
    if found is None:
        return "\n".join(lines + block)
    return "\n".join(lines[: found[0]] + block + lines[found[1] :])


def append_items(text: str, key: str, items: list) -> str:
    """Add items at the end of a top-level block list (the key is added if missing), indented as
    its items are. A list written on one line (``key: [a, b]``) is rewritten as a block list."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    found = block_range(lines, key)
    if found is None:
        return "\n".join(lines + dump_lines({key: items})) + "\n"
    start, end = found
    existing = lines[start].split(":", 1)[1].strip()
    if existing and not existing.startswith("#"):
        current = safe_load("\n".join(lines[start:end]))[key] or []
        return "\n".join(lines[:start] + dump_lines({key: [*current, *items]}) + lines[end:]) + "\n"
    item_lines = [line for line in lines[start + 1 : end] if line.lstrip().startswith("- ")]
    indent = (
        item_lines[0][: len(item_lines[0]) - len(item_lines[0].lstrip())] if item_lines else "  "
    )
    added = [indent + line for line in dump_lines(items)]
    return "\n".join(lines[:end] + added + lines[end:]) + "\n"
