"""Fuzz te-to-loop: thousands of random kernels x random legal schedules, compiled
natively and compared with the interpreter (the CI-sized version is
tests/unit/schedules/test_random_schedules.py).

    python benchmarks/fuzz_schedules.py --cases 2000            # all families, all primitives
    python benchmarks/fuzz_schedules.py --cases 500 --primitives split,compute_at --seed 7

Cases run in rounds of `--round` hypothesis examples, each round with its own seed. A
mismatch or crash stops its round: hypothesis shrinks it to a minimal module (kernel and
schedule text), which is printed (and appended to `--failures`); the next round goes on.
The summary counts cases, kernels compared, illegal draws (refused by the schedule
model) and failures, and kernels the lowering refused (by message, each with its first
module's text): the model accepted their schedules, so each is a disagreement between
the model and te-to-loop, and makes the exit status 1, as failures do. Kernels go
through compile-cpu's kernel passes (te-auto-schedule for a kernel left unscheduled,
te-to-loop, the loop passes), then loop-to-llvm.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from hypothesis import HealthCheck, Phase, given, seed, settings

from dlir.dialects.te.model import ScheduleWarning
from dlir.parser import print_module
from dlir.testing.schedules import (
    PRIMITIVES,
    ScheduleCase,
    check_case,
    kernel_module,
    kernel_pipeline,
    schedule_cases,
)
from dlir.testing.te_kernels import FAMILIES


@dataclass
class Tally:
    cases: int = 0
    kernels: int = 0
    compared: int = 0
    failures: list[str] = field(default_factory=list[str])
    refused: collections.Counter[str] = field(default_factory=collections.Counter[str])
    refused_text: dict[str, str] = field(default_factory=dict[str, str])
    """The module of the first kernel refused with each message shape."""
    illegal: collections.Counter[str] = field(default_factory=collections.Counter[str])
    applied: collections.Counter[str] = field(default_factory=collections.Counter[str])
    families: collections.Counter[str] = field(default_factory=collections.Counter[str])


def _shape(message: str) -> str:
    """A message with its names and numbers blanked, to count messages of one kind."""
    message = message.split(": ", 1)[1] if message.startswith("@") else message
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'_'", message))[:140]


def run_round(tally: Tally, args: argparse.Namespace, round_seed: int) -> None:
    @seed(round_seed)
    @settings(
        max_examples=args.round,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )
    @given(
        schedule_cases(
            max_kernels=args.max_kernels,
            max_steps=args.max_steps,
            families=args.families,
            primitives=args.primitives,
        )
    )
    def one(case: ScheduleCase) -> None:
        outcome = check_case(case, seed=round_seed, pipeline=args.pipeline)
        tally.cases += 1
        tally.kernels += len(case.kernels)
        tally.compared += outcome.compared
        for message in outcome.refused:
            shape = _shape(message)
            tally.refused[shape] += 1
            if shape not in tally.refused_text:
                name = message.split(":", 1)[0].removeprefix("@")
                kernel = next(k for k in case.kernels if k.name == name)
                tally.refused_text[shape] = print_module(kernel_module(case, kernel))
        tally.illegal.update(_shape(m) for m in case.illegal)
        tally.applied.update(case.applied)
        tally.families.update(k.family for k in case.kernels)

    try:
        one()
    except Exception as err:  # mismatches or crashes, already shrunk by hypothesis
        found: list[BaseException] = [err]
        if isinstance(err, BaseExceptionGroup):
            found = list(cast(BaseExceptionGroup[BaseException], err).exceptions)
        for failure in found:
            # The notes hypothesis adds hold the falsifying case: the module's text.
            report = f"== failure in round seed {round_seed}\n" + "".join(
                traceback.format_exception_only(failure)
            )
            tally.failures.append(report)
            print(report, flush=True)
            if args.failures:
                with Path(args.failures).open("a") as out:
                    out.write(report + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="examples in all (about)")
    parser.add_argument("--round", type=int, default=100, help="examples per hypothesis run")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first round")
    parser.add_argument("--max-kernels", type=int, default=3)
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--primitives", default=",".join(PRIMITIVES))
    parser.add_argument(
        "--pipeline",
        default=None,
        help="kernel passes before loop-to-llvm (default: compile-cpu's)",
    )
    parser.add_argument("--failures", default=None, help="a file to append failures to")
    args = parser.parse_args(argv)
    args.families = args.families.split(",")
    args.primitives = args.primitives.split(",")
    for name in args.families:
        if name not in FAMILIES:
            parser.error(f"unknown family '{name}'; families are {', '.join(FAMILIES)}")
    for name in args.primitives:
        if name not in PRIMITIVES:
            parser.error(f"unknown primitive '{name}'; primitives are {', '.join(PRIMITIVES)}")
    warnings.simplefilter("ignore", ScheduleWarning)
    print(f"pipeline: {args.pipeline or kernel_pipeline()},loop-to-llvm", flush=True)
    tally = Tally()
    start = time.time()
    round_seed = args.seed
    while tally.cases < args.cases:
        before = tally.cases
        run_round(tally, args, round_seed)
        round_seed += 1
        print(
            f"[{time.time() - start:6.0f}s] cases {tally.cases}, kernels compared "
            f"{tally.compared}/{tally.kernels}, failures {len(tally.failures)}",
            flush=True,
        )
        if tally.cases == before and not tally.failures:
            break
    print(f"\ncases {tally.cases}, kernels {tally.kernels}, compared {tally.compared}")
    print(f"failures (mismatches or crashes): {len(tally.failures)}")
    print(f"families: {dict(tally.families)}")
    print(f"primitives applied: {dict(tally.applied)}")
    print(f"illegal draws refused by the model: {sum(tally.illegal.values())}")
    for message, count in tally.illegal.most_common(12):
        print(f"  {count:5d}  {message}")
    print(f"kernels the lowering refused (the model accepted them): {sum(tally.refused.values())}")
    for message, count in tally.refused.most_common(12):
        print(f"  {count:5d}  {message}")
        print("         " + tally.refused_text[message].replace("\n", "\n         "))
    return 1 if tally.failures or tally.refused else 0


if __name__ == "__main__":
    sys.exit(main())
