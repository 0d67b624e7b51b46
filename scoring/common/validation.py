"""Turn pydantic validation errors into Chinese lines that name the place (and indicator code)."""
from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_ERROR_TEXT = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知字段",
    "union_tag_not_found": "缺少规则类型 type",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "dict_type": "应为表",
    "model_type": "应为表",
    "literal_error": "取值无效",
}


def _locate(data: object, loc: tuple) -> str:
    """Readable location, naming the indicator code where there is one."""
    parts, node = [], data
    for key in loc:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, (list, tuple)) and isinstance(key, int) and key < len(node):
            node = node[key]
            code = node.get("code") if isinstance(node, dict) else None
            parts.append(f"[{code}]" if code else f"[{key + 1}]")
            continue
        else:
            node = None
        parts.append(f".{key}" if isinstance(key, str) else f"[{key}]")
    return "".join(parts).lstrip(".")


def _explain(error: ErrorDetails, data: object, tags: Mapping[str, str]) -> list[str]:
    kind, loc = error["type"], error["loc"]
    where = _locate(data, loc)
    if kind == "union_tag_invalid":
        known = "、".join(f"{k}（{v}）" for k, v in tags.items())
        return [f"{where}：未知规则类型「{error['ctx']['tag']}」，可用：{known}"]
    if kind == "value_error":
        message = str(error["ctx"].get("error", error["msg"]))
        return [f"{where}：{line}" if where else line for line in message.splitlines()]
    text = _ERROR_TEXT.get(kind)
    if text is None and "ctx" in error:
        limits = {"gt": "应大于", "ge": "应不小于", "lt": "应小于", "le": "应不大于"}
        text = next((f"{word}{error['ctx'][k]}" for k, word in limits.items() if k in error["ctx"]), None)
        if text is None and "min_length" in error["ctx"]:
            text = f"至少需要{error['ctx']['min_length']}项"
        if text is None and "max_length" in error["ctx"]:
            unit = "个字符" if kind == "string_too_long" else "项"
            text = f"最多{error['ctx']['max_length']}{unit}"
    return [f"{where}：{text or error['msg']}"]


def chinese_errors(exc: ValidationError, data: object, tags: Mapping[str, str] | None = None) -> list[str]:
    """One Chinese line per problem; ``tags`` names the known values of a union's tag (rule types) for an unknown one."""
    return [line for error in exc.errors() for line in _explain(error, data, tags or {})]
