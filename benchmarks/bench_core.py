"""Benchmark: scoring and checking the seed evaluation in-process. Prints figures; asserts nothing.

Run: python benchmarks/bench_core.py
"""
from __future__ import annotations

import statistics
import time
import timeit

from scoring import assess, check_evaluation, load_ruleset, read_ruleset_file, sample_evaluation, score_evaluation
from scoring.rules.ruleset import RULESET_DIR


def _per_call_ms(func, number: int) -> list[float]:
    return [t / number * 1000 for t in timeit.repeat(func, number=number, repeat=5)]


def main() -> None:
    start = time.perf_counter()
    rs = load_ruleset("xundian-2024")
    first_load = (time.perf_counter() - start) * 1000
    cold = _per_call_ms(lambda: read_ruleset_file(RULESET_DIR / "xundian-2024.toml"), 20)
    evaluation = sample_evaluation()
    card = score_evaluation(evaluation, rs)
    score = _per_call_ms(lambda: score_evaluation(evaluation, rs), 50)
    check = _per_call_ms(lambda: check_evaluation(evaluation, rs, card), 50)
    both = _per_call_ms(lambda: assess(evaluation, rs), 50)
    print(f"首次加载规则集（含导入）: {first_load:.1f} ms")
    print(f"规则集解析+校验（无缓存）: 中位 {statistics.median(cold):.2f} ms")
    print(f"示例评价计分（31个指标）: 中位 {statistics.median(score):.2f} ms，最快 {min(score):.2f} ms")
    print(f"示例评价检查（勾稽+问卷+指标，已有计分）: 中位 {statistics.median(check):.2f} ms，最快 {min(check):.2f} ms")
    print(f"示例评价 assess（计分+检查，一次）: 中位 {statistics.median(both):.2f} ms，最快 {min(both):.2f} ms")
    print(f"相当于每秒约 {1000 / statistics.median(score):.0f} 个部门的计分")


if __name__ == "__main__":
    main()
