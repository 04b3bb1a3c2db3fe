"""The grouped and depthwise convolution rules (`rules_conv.py`): which convolutions get
them, and native vs interpreter on odd channels and columns, strides, padding, dilation,
groups 2, 3 and depthwise, a bias, with and without threads."""

from __future__ import annotations

import pytest

from dlir.passes.lowering.auto_schedule.rules import Options
from dlir.passes.lowering.auto_schedule.schedule import auto_schedule
from dlir.passes.lowering.te_to_loop.differential import check_native
from tests.unit.passes.lowering.test_auto_schedule_conv import conv_kernels, only_kernel

SERIAL = "te-auto-schedule{parallel=false},te-to-loop"
THREADS = "te-auto-schedule,te-to-loop"


def conv_rule(c: int, o: int, h: int, w: int, **keywords: int) -> str:
    _, choices = auto_schedule(only_kernel(conv_kernels(c, o, h, w, **keywords)), Options())
    (rule,) = [choice.rule for choice in choices if choice.kind == "convolution"]
    return rule


@pytest.mark.parametrize(
    "c,o,h,w,keywords,rule",
    [
        (32, 32, 8, 8, {"groups": 2, "pad": 1}, "convolution-grouped-blocked"),
        (48, 96, 12, 12, {"groups": 3, "k": 1}, "convolution-grouped-blocked"),
        (24, 24, 9, 9, {"groups": 24, "pad": 1}, "convolution-grouped"),
        (12, 12, 7, 7, {"groups": 3, "k": 1}, "convolution-grouped"),
        (16, 16, 16, 16, {"groups": 16, "pad": 1, "stride": 2}, "convolution-grouped"),
        (16, 16, 7, 7, {"groups": 16, "pad": 1}, "reduction"),
        (16, 32, 7, 7, {"groups": 16, "pad": 1}, "convolution-grouped"),
        (16, 32, 7, 7, {}, "convolution-blocked"),
    ],
)
def test_which_convolutions_get_the_grouped_rules(
    c: int, o: int, h: int, w: int, keywords: dict[str, int], rule: str
):
    assert conv_rule(c, o, h, w, **keywords) == rule


CASES: list[tuple[int, int, int, int, dict[str, int]]] = [
    # c, o, h, w, keywords
    (32, 32, 7, 13, {"groups": 2, "pad": 1}),
    (48, 48, 5, 6, {"groups": 3, "k": 1, "bias": 1}),
    (6, 48, 9, 9, {"groups": 3, "k": 5, "pad": 2}),
    (32, 64, 7, 9, {"groups": 2, "stride": 2, "pad": 1}),
    (32, 32, 9, 9, {"groups": 2, "dilation": 2, "pad": 2}),
    (13, 13, 7, 7, {"groups": 13, "pad": 1}),
    (16, 16, 14, 14, {"groups": 16, "pad": 1, "bias": 1}),
    (7, 7, 1, 3, {"groups": 7, "pad": 1}),
    (3, 3, 13, 13, {"groups": 3, "k": 1, "n": 2}),
    (12, 9, 7, 7, {"groups": 3, "k": 1}),
    (16, 16, 9, 9, {"groups": 16, "stride": 2, "pad": 1}),
    (8, 16, 7, 7, {"groups": 8, "pad": 1}),
    (32, 64, 14, 14, {"groups": 2, "k": 1}),
    (64, 32, 7, 7, {"groups": 4, "pad": 1}),
]


@pytest.mark.parametrize("c,o,h,w,keywords", CASES)
def test_native_matches_the_interpreter(c: int, o: int, h: int, w: int, keywords: dict[str, int]):
    check_native(conv_kernels(c, o, h, w, **keywords), pipeline=SERIAL, rtol=1e-4)


@pytest.mark.parametrize("c,o,h,w,keywords", CASES[::3])
def test_native_matches_the_interpreter_with_threads(
    c: int, o: int, h: int, w: int, keywords: dict[str, int]
):
    check_native(conv_kernels(c, o, h, w, **keywords), pipeline=THREADS, rtol=1e-4)
