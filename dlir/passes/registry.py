"""The pass registry: names, lazy classes, options, anchors and named pipelines.

Each pass is registered as `name -> "module:Class"` and imported only when it is used,
or when `dl-opt --list-passes` asks for its metadata. Metadata comes from the class:

    @register_pass
    @dataclass(frozen=True)
    class LoopTilePass(ModulePass):
        \"\"\"Tile loop nests.\"\"\"                       # description: first docstring line
        name = "loop-tile"
        anchor: ClassVar[str] = "loop.func"             # runs on each loop.func
        requires: ClassVar[tuple[str, ...]] = ("loop",)  # dialects it reads
        produces: ClassVar[tuple[str, ...]] = ("loop",)  # dialects it writes
        tile: int = field(default=32, metadata={"help": "tile size"})

Option help lives in the field's `metadata={"help": ...}` (one way, checked by pyright,
next to the default). A pass without `anchor` is anchored on `builtin.module`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeVar

from xdsl.passes import ModulePass

from dlir.passes.graph import GRAPH_PASSES
from dlir.passes.loop import LOOP_PASSES
from dlir.passes.lowering import LOWERING_PASSES

MODULE_ANCHOR = "builtin.module"

PASSES: dict[str, str] = {
    "canonicalize": "xdsl.transforms.canonicalize:CanonicalizePass",
    "cse": "xdsl.transforms.common_subexpression_elimination:CommonSubexpressionElimination",
    "dce": "xdsl.transforms.dead_code_elimination:DeadCodeElimination",
    **GRAPH_PASSES,
    **LOWERING_PASSES,
    **LOOP_PASSES,
}

# Descriptions for reused xDSL passes whose classes carry no docstring.
_DESCRIPTIONS: dict[str, str] = {
    "cse": "Eliminate common subexpressions (xDSL's CSE).",
    "dce": "Erase ops whose results are unused and that have no side effects (xDSL's DCE).",
}

# Named pipelines: `-p graph-cleanup` expands to the pipeline text on the right.
PIPELINES: dict[str, tuple[str, str]] = {
    "graph-cleanup": (
        "graph-canonicalize,graph-cse,graph-dce",
        "canonicalize, CSE and DCE of every graph.func",
    ),
    "generic-cleanup": ("canonicalize,cse,dce", "xDSL's canonicalize, CSE and DCE on the module"),
    "compile-cpu": (
        "graph-fold-empty,graph-fold-batch-norm,graph-alter-layout,graph-fuse,graph-to-te,"
        "te-auto-schedule,te-to-loop,"
        "loop-tensorize,loop-unroll,loop-vectorize,graph-to-loop,loop-to-llvm",
        "graph functions to native code for the host CPU: kernels, host functions, llvm",
    ),
}

_REGISTERED: dict[str, type[ModulePass]] = {}

P = TypeVar("P", bound=type[ModulePass])


def register_pass(cls: P) -> P:
    """Class decorator: make a pass available to `dl-opt -p` and pipelines by its name."""
    target = f"{cls.__module__}:{cls.__qualname__}"
    if cls.name in PIPELINES:
        raise ValueError(f"'{cls.name}' is already registered as a named pipeline")
    if cls.name in PASSES and PASSES[cls.name] != target:
        raise ValueError(f"a pass named '{cls.name}' is already registered ({PASSES[cls.name]})")
    PASSES[cls.name] = target
    _REGISTERED[cls.name] = cls
    return cls


def register_pipeline(name: str, spec: str, description: str = "") -> None:
    """Register `name` as shorthand for the pipeline text `spec` (`-p name`)."""
    if name in PASSES:
        raise ValueError(f"'{name}' is already registered as a pass ({PASSES[name]})")
    if name in PIPELINES and PIPELINES[name][0] != spec:
        raise ValueError(
            f"a pipeline named '{name}' is already registered ('{PIPELINES[name][0]}')"
        )
    PIPELINES[name] = (spec, description)


def load_pass(name: str) -> type[ModulePass]:
    """Import and return the pass class registered as `name`."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    module, _, attr = PASSES[name].partition(":")
    cls: object = import_module(module)
    for part in attr.split("."):
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and issubclass(cls, ModulePass)):
        raise TypeError(f"'{PASSES[name]}' (registered as '{name}') is not a ModulePass class")
    _REGISTERED[name] = cls
    return cls


@dataclass(frozen=True)
class OptionInfo:
    """One pass option: `tile: int = 32` gives `OptionInfo("tile", "int", int, 32, ...)`."""

    name: str
    type_name: str
    kind: Any  # the element type: int, float, bool or str
    default: object
    help: str = ""
    is_list: bool = False
    optional: bool = False

    @property
    def spelled(self) -> str:
        """The name as written in pipelines: `min_size` is spelled `min-size`."""
        return self.name.replace("_", "-")


@dataclass(frozen=True)
class PassInfo:
    """What the registry knows about a pass, read from its class."""

    name: str
    description: str
    anchor: str
    options: tuple[OptionInfo, ...]
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    cls: type[ModulePass]

    def option(self, spelled: str) -> OptionInfo | None:
        key = spelled.replace("-", "_")
        return next((o for o in self.options if o.name == key), None)


_SCALARS: dict[type, str] = {int: "int", float: "float", bool: "bool", str: "str"}


def _option_type(hint: object) -> tuple[Any, str, bool, bool]:
    """`int` -> (int, "int", False, False); `tuple[int, ...] | None` -> (int, "int-list?", True, True)."""
    optional = False
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        optional, hint = True, rest[0]
        args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (tuple, list):
        elem = next(a for a in args if a is not Ellipsis)
        name = _SCALARS.get(elem, getattr(elem, "__name__", str(elem)))
        return elem, f"{name}-list", True, optional
    if isinstance(hint, type) and hint in _SCALARS:
        return hint, _SCALARS[hint], False, optional
    raise TypeError(
        f"unsupported option type {hint!r}: use int, float, bool, str or tuples of them"
    )


def options_of(cls: type[ModulePass]) -> tuple[OptionInfo, ...]:
    """The typed options of a pass class, from its dataclass fields."""
    if not dataclasses.is_dataclass(cls):
        return ()
    hints = typing.get_type_hints(cls)
    result: list[OptionInfo] = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        kind, type_name, is_list, optional = _option_type(hints[f.name])
        if f.default is not dataclasses.MISSING:
            default: object = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        help_text = str(f.metadata.get("help", ""))
        result.append(OptionInfo(f.name, type_name, kind, default, help_text, is_list, optional))
    return tuple(result)


def pass_info(name: str) -> PassInfo:
    """The metadata of the pass registered as `name` (imports its module)."""
    cls = load_pass(name)
    doc = (cls.__doc__ or "").strip()
    if doc.startswith(f"{cls.__name__}("):  # dataclass's generated signature, not a docstring
        doc = ""
    anchor = str(getattr(cls, "anchor", MODULE_ANCHOR))
    requires = tuple(str(d) for d in getattr(cls, "requires", ()))
    produces = tuple(str(d) for d in getattr(cls, "produces", ()))
    description = doc.splitlines()[0] if doc else _DESCRIPTIONS.get(name, "")
    return PassInfo(name, description, anchor, options_of(cls), requires, produces, cls)


def describe(name: str) -> str:
    """First line of the pass's docstring (or a named pipeline's description)."""
    if name in PIPELINES:
        return PIPELINES[name][1]
    return pass_info(name).description


def load_plugin_file(path: str) -> None:
    """Import a Python file so that its `@register_pass` classes join the registry."""
    import importlib.util
    import sys
    from pathlib import Path

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"pass plugin '{path}' does not exist")
    module_name = f"dlir_plugin_{file.stem}_{abs(hash(str(file.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"pass plugin '{path}' is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)


_ENTRY_POINTS_LOADED: list[str] = []


def load_entry_point_plugins(reload: bool = False) -> list[str]:
    """Load every `dlir.passes` entry point (once); each names a module whose import
    registers passes, a pass class, or a `dict[str, str]` of `name -> "module:Class"`:

        [project.entry-points."dlir.passes"]
        mypasses = "mypkg.passes:PASSES"

    Called when a pipeline names an unknown pass and by `--list-passes`, so installed
    plugins cost nothing otherwise. Returns the entry points' names."""
    from importlib.metadata import entry_points

    if _ENTRY_POINTS_LOADED and not reload:
        return list(_ENTRY_POINTS_LOADED[1:])
    _ENTRY_POINTS_LOADED[:] = [""]  # loaded marker, then the names
    loaded: list[str] = []
    for ep in entry_points(group="dlir.passes"):
        obj = ep.load()
        if isinstance(obj, dict):
            entries = typing.cast(dict[str, str], obj)
            for name, target in entries.items():
                PASSES.setdefault(name, target)
        elif isinstance(obj, type) and issubclass(obj, ModulePass):
            register_pass(obj)
        loaded.append(ep.name)
    _ENTRY_POINTS_LOADED.extend(loaded)
    return loaded
