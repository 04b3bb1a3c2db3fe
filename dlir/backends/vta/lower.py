"""vta-codegen: a `loop.func` over VTA memory scopes -> a VTA `Program`.

    program = lower_to_vta(module, "gemm")         # loop IR after te-to-loop (+ loop-tensorize)
    print(program)                                 # the instruction listing

The function's loops must have bounds known at compile time: the host part (every loop
that is not inside a statement) is unrolled here, as VTA's runtime does when it builds
an instruction stream. Buffers: the function's arguments are DRAM buffers (i8 or i32);
each `loop.alloc` in "vta.inp"/"vta.wgt"/"vta.acc" gets an SRAM range (in tiles; freed by
`loop.free`). Each statement (a perfect loop nest ending in one `hw.call` or one
`loop.store`, `statements/`) becomes instructions; the dependency tokens between the
load, compute and store modules come from the SRAM tiles each instruction reads and
writes (`tokens.py`).

Virtual threads: a `loop.for` with `{vthread = N}` (te's `te.virtual_thread`) runs its
iterations N at a time as threads in lockstep, as TVM's InjectVirtualThread does: each
statement of its body is emitted once per thread before the next statement. What does
not depend on the thread (`vthreads.py`) runs once and is shared: a tile every thread
reads is loaded once. Each thread-dependent buffer gets one copy per thread, and inside
virtual threads allocation rotates through the scope (next fit), so the next step's
loads land in other tiles. Loads then issue in the order the gemms need them
(`order.py`), and the tokens let one thread's loads run while the other's gemms do:

    loop.for %t = 0 to 2 { load A; load W(t); gemm(t) } {vthread = 2 : i64}
    ->  load W(0), load A, load W(1), gemm(0), gemm(1)      (A shared, W(0) != W(1))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, IntegerType, MemRefType, ModuleOp
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.utils.hints import isa

from dlir.backends.vta.config import ACC, DEFAULT_CONFIG, SCOPES, VTAConfig
from dlir.backends.vta.isa import Alu, Buffer, Finish, Program
from dlir.backends.vta.linear import Linear, NotLinear, View, evaluate, row_major
from dlir.backends.vta.order import order_loads
from dlir.backends.vta.statements import DRAM, Emitted, Statement, StatementError
from dlir.backends.vta.tokens import insert_tokens
from dlir.backends.vta.vthreads import ThreadDependence, thread_key, used_values
from dlir.dialects.hw import CallOp as HwCallOp
from dlir.dialects.loop import (
    AllocOp,
    ForOp,
    FreeOp,
    FuncOp,
    LoadOp,
    MaxOp,
    MinOp,
    ReturnOp,
    StoreOp,
    YieldOp,
)
from dlir.dialects.loop.view import SubviewOp, kept_dims
from dlir.ir.diagnostics import Diagnostic, DiagnosticError
from dlir.ir.verify import source_loc

VTHREAD = "vthread"
"""The `loop.for` attribute marking a virtual-thread loop (its iterations are threads)."""

Value = Linear | View | int
Env = dict[SSAValue, Value]
Resolver = Callable[[SSAValue], Value | None]


class VTALoweringError(DiagnosticError):
    """Loop IR the accelerator cannot run: the message names the op and says why."""


def lower_to_vta(module: ModuleOp, name: str, config: VTAConfig = DEFAULT_CONFIG) -> Program:
    """The VTA program computing `loop.func @name` of `module`."""
    funcs = [op for op in module.ops if isinstance(op, FuncOp)]
    for func in funcs:
        if func.sym_name.data == name:
            return _Lowering(func, config).run()
    names = ", ".join(f"@{f.sym_name.data}" for f in funcs) or "none"
    raise VTALoweringError(Diagnostic(f"no loop.func @{name}; loop.funcs are {names}"))


def _error(message: str, op: Operation) -> VTALoweringError:
    return VTALoweringError(Diagnostic(f"{op.name}: {message}", source_loc(op)))


class _Sram:
    """Allocation of one scope's tiles: first fit, or next fit (`rotate`), which starts
    after the last allocation and wraps around, so a buffer freed and allocated again
    in a loop alternates between free ranges (double buffering) while there is room."""

    def __init__(self, scope: str, tiles: int) -> None:
        self.scope = scope
        self.tiles = tiles
        self.used: dict[int, int] = {}  # start -> size
        self.cursor = 0

    def allocate(self, size: int, op: Operation, rotate: bool = False) -> int:
        start = self._fit(size, self.cursor) if rotate else None
        if start is None:
            start = self._fit(size, 0)
        if start is None:
            free = self.tiles - sum(self.used.values())
            raise _error(
                f"needs {size} tiles of {self.scope} but only {free} of its {self.tiles} are "
                "free (buffers live at once, one copy per virtual thread); tile the loops "
                "more finely or use fewer virtual threads",
                op,
            )
        self.used[start] = size
        if rotate:
            self.cursor = start + size
        return start

    def _fit(self, size: int, origin: int) -> int | None:
        """The first start at or after `origin` with `size` free tiles, or None."""
        start = origin
        for begin, length in sorted(self.used.items()):
            if begin + length <= start:
                continue
            if begin - start >= size:
                break
            start = max(start, begin + length)
        return start if start + size <= self.tiles else None

    def free(self, start: int) -> None:
        self.used.pop(start, None)


class _Lowering:
    def __init__(self, func: FuncOp, config: VTAConfig) -> None:
        self.func = func
        self.config = config
        self.sram = {scope: _Sram(scope, config.buffer_tiles(scope)) for scope in SCOPES}
        self.emitted: list[Emitted] = []
        self.buffers: list[Buffer] = []
        self.env: Env = {}
        self.threads: list[ThreadDependence] = []  # the enclosing virtual-thread loops
        for index, arg in enumerate(func.body.block.args):
            self.env[arg] = self._dram(arg, index)

    def run(self) -> Program:
        self._block(self.func.body.block, [dict(self.env)])
        self.emitted.append(Emitted(Finish()))
        instructions = insert_tokens(order_loads(self.emitted))
        program = Program(tuple(instructions), tuple(self.buffers), self.config)
        program.validate()
        return program

    def _dram(self, arg: SSAValue, index: int) -> View:
        type = arg.type
        if not isa(type, MemRefType) or not type.has_static_shape():
            raise VTALoweringError(
                Diagnostic(
                    f"argument {index} of @{self.func.sym_name.data} must be a static memref, found {type}"
                )
            )
        bits = _bits(type.get_element_type())
        if bits not in (8, 32):
            raise VTALoweringError(
                Diagnostic(
                    f"argument {index} of @{self.func.sym_name.data} has elements of type "
                    f"{type.get_element_type()}; VTA's DRAM buffers hold i8 or i32"
                )
            )
        shape = tuple(type.get_shape())
        name = arg.name_hint or f"arg{index}"
        self.buffers.append(Buffer(name, shape, "int8" if bits == 8 else "int32"))
        return View(DRAM, index, Linear(0), row_major(shape), shape, bits)

    # -- the host part: run at compile time ---------------------------------------------------

    def _block(self, block: Block, envs: list[Env]) -> None:
        for op in block.ops:
            if isinstance(op, YieldOp | ReturnOp):
                continue
            if isinstance(op, ForOp):
                self._for(op, envs)
            elif isinstance(op, HwCallOp | StoreOp):
                for env in self._copies(op, envs):
                    self._statement([], op, env)
            elif isinstance(op, AllocOp):
                views: dict[tuple[object, ...], View] = {}
                for env in envs:
                    key = thread_key(self.threads, [op.memref], env)
                    if key not in views:
                        views[key] = self._allocate(op)
                    env[op.memref] = views[key]
            elif isinstance(op, FreeOp):
                self._free(op, envs)
            else:
                for env in envs:
                    self._host(op, env)

    def _for(self, op: ForOp, envs: list[Env]) -> None:
        ranges = {tuple(self._bounds(op, env)) for env in envs}
        if len(ranges) != 1:
            raise _error("its bounds differ between virtual threads", op)
        (iterations,) = ranges
        iv = op.induction_var
        count = op.attributes.get(VTHREAD)
        if count is not None:
            threads = count.value.data if isinstance(count, IntegerAttr) else len(iterations)
            if threads < 1 or len(iterations) % threads:
                raise _error(
                    f"runs {len(iterations)} iterations on {threads} virtual threads; the "
                    "count must divide the iterations",
                    op,
                )
            self.threads.append(ThreadDependence.of(op))
            for group in range(0, len(iterations), threads):
                lockstep = [
                    {**env, iv: iterations[group + t]} for env in envs for t in range(threads)
                ]
                self._block(op.body.block, lockstep)
            self.threads.pop()
            return
        nest = _perfect_nest(op)
        if nest is not None:
            loops, leaf = nest
            for env in self._copies(op, envs):
                self._statement(loops, leaf, env)
            return
        for value in iterations:
            for env in envs:
                env[iv] = value
            self._block(op.body.block, envs)

    def _bounds(self, op: ForOp, env: Env) -> range:
        values: list[int] = []
        for what, value in (("lower bound", op.lb), ("upper bound", op.ub), ("step", op.step)):
            found = env.get(value)
            if not isinstance(found, int):
                raise _error(
                    f"its {what} is not known at compile time; VTA's host code unrolls every "
                    "loop outside an instruction, so bounds must be constants (or computed "
                    "from enclosing loops)",
                    op,
                )
            values.append(found)
        return range(*values)

    def _copies(self, statement: Operation, envs: list[Env]) -> list[Env]:
        """The threads that run their own copy of `statement`: one per distinct value of
        what it reads and writes (all of them outside virtual threads)."""
        if not self.threads:
            return envs
        used = used_values(statement)
        seen: set[tuple[object, ...]] = set()
        copies: list[Env] = []
        for env in envs:
            key = thread_key(self.threads, used, env)
            if key not in seen:
                seen.add(key)
                copies.append(env)
        return copies

    def _free(self, op: FreeOp, envs: list[Env]) -> None:
        freed: set[tuple[str, int]] = set()
        for env in envs:
            view = env.get(op.memref)
            if isinstance(view, View) and view.scope != DRAM:
                start = view.offset.const // self.config.tile_elems(view.scope)
                if (view.scope, start) not in freed:
                    freed.add((view.scope, start))
                    self.sram[view.scope].free(start)

    def _host(self, op: Operation, env: Env) -> None:
        if isinstance(op, SubviewOp):
            env[op.result] = _subview(op, lambda v: env.get(v))
        elif isinstance(op, LoadOp):
            raise _error(
                "the host cannot read a buffer at compile time; only statements (loop nests "
                "ending in one store or hw.call) read buffers",
                op,
            )
        elif op.dialect_name() in ("arith", "loop") and len(op.results) == 1:
            value = _fold(op, lambda v: env.get(v))
            if value is not None:
                env[op.results[0]] = value
        else:
            raise _error(
                "is not expressible on VTA (expected loops, loop.alloc/free/subview, index "
                "arithmetic, loop.store statements and hw.call of VTA intrinsics)",
                op,
            )

    def _allocate(self, op: AllocOp) -> View:
        scope = op.scope.data
        type = op.memref.type
        assert isa(type, MemRefType)
        if scope not in SCOPES:
            raise _error(
                f"allocates in scope '{scope}'; a VTA kernel allocates only on chip "
                f"({', '.join(SCOPES)}): DRAM buffers are the function's arguments",
                op,
            )
        bits = _bits(type.get_element_type())
        expected = 32 if scope == ACC else 8
        if bits != expected:
            raise _error(f"{scope} holds i{expected} elements, found {type.get_element_type()}", op)
        shape = tuple(type.get_shape())
        elements = 1
        for size in shape:
            elements *= size
        tile = self.config.tile_elems(scope)
        if elements % tile:
            raise _error(f"{elements} elements are not whole {scope} tiles of {tile} elements", op)
        # inside virtual threads, buffers rotate through their scope (double buffering)
        start = self.sram[scope].allocate(elements // tile, op, rotate=bool(self.threads))
        return View(scope, 0, Linear(start * tile), row_major(shape), shape, bits)

    # -- statements --------------------------------------------------------------------------

    def _statement(self, loops: Sequence[ForOp], leaf: Operation, env: Env) -> None:
        extents: dict[int, int] = {}
        nest: dict[SSAValue, Value] = {}
        for position, loop in enumerate(loops):
            bounds = self._bounds(loop, env)
            if len(bounds) == 1:
                nest[loop.induction_var] = bounds.start
            elif len(bounds) > 1:
                extents[position] = len(bounds)
                nest[loop.induction_var] = Linear.loop(position, bounds.step, bounds.start)
            else:
                return  # an empty loop runs nothing

        def resolve(value: SSAValue) -> Value | None:
            if value in nest:
                return nest[value]
            if value in env:
                return env[value]
            owner = value.owner
            if not isinstance(owner, Operation):
                return None
            if isinstance(owner, SubviewOp):
                found: Value | None = _subview(owner, resolve)
            else:
                found = _fold(owner, resolve)
            if found is not None:
                nest[value] = found
            return found

        statement = Statement(extents, leaf, resolve, self.config)
        try:
            if isinstance(leaf, HwCallOp):
                emitted = statement.lower_call(leaf.callee.root_reference.data, leaf.buffers)
            else:
                emitted = statement.lower_store()
        except StatementError as err:
            raise _error(str(err), err.op or leaf) from None
        if any(isinstance(e.instruction, Alu) for e in emitted):
            _check_dead_after(loops[0] if loops else leaf, leaf)
        self.emitted += emitted


def _check_dead_after(root: Operation, leaf: Operation) -> None:
    """The ALU updates accumulator tiles in place: the accumulators a statement reads
    must not be read after it (the epilogue consumes them)."""
    block, body = root.parent_block(), leaf.parent_block()
    if block is None or body is None:
        return
    for op in body.ops:
        if not isinstance(op, LoadOp) or (isinstance(leaf, StoreOp) and op.memref is leaf.memref):
            continue
        for use in op.memref.uses:
            user: Operation | None = use.operation
            while user is not None and user.parent_block() is not block:
                user = user.parent_op()
            if user is None or isinstance(user, FreeOp) or not root.is_before_in_block(user):
                continue
            raise _error(
                "its ALU ops update the accumulator they read in place, but it is read again "
                "after this statement; compute the epilogue last (or into another stage)",
                leaf,
            )


def _perfect_nest(op: ForOp) -> tuple[list[ForOp], Operation] | None:
    """The loops of a perfect nest rooted at `op` and its one store or hw.call, or None."""
    loops = [op]
    while True:
        body = [o for o in loops[-1].body.block.ops if not isinstance(o, YieldOp)]
        inner = [o for o in body if isinstance(o, ForOp)]
        effects = [o for o in body if isinstance(o, StoreOp | HwCallOp)]
        others = [o for o in body if not isinstance(o, ForOp | StoreOp | HwCallOp)]
        if any(not _pure(o) for o in others):
            return None
        if len(inner) == 1 and not effects and VTHREAD not in inner[0].attributes:
            loops.append(inner[0])
            continue
        if not inner and len(effects) == 1:
            return loops, effects[0]
        return None


def _pure(op: Operation) -> bool:
    return isinstance(op, LoadOp | SubviewOp) or op.dialect_name() == "arith"


def _subview(op: SubviewOp, resolve: Resolver) -> View:
    source = resolve(op.source)
    if not isinstance(source, View):
        raise _error("its source buffer is not known at compile time", op)
    operands: list[Linear] = []
    for value in op.indices:
        found = resolve(value)
        if isinstance(found, int):
            found = Linear.of(found)
        if not isinstance(found, Linear):
            raise _error("an offset is not known at compile time", op)
        operands.append(found)
    try:
        offsets = [evaluate(e, operands) for e in op.map.data.results]
    except NotLinear as err:
        raise _error(str(err), op) from None
    source_type, result_type = op.source.type, op.result.type
    assert isa(source_type, MemRefType) and isa(result_type, MemRefType)
    kept = kept_dims(source_type, result_type)
    if kept is None:
        raise _error("its result does not keep dims of its source", op)
    offset = source.offset
    for index, stride in zip(offsets, source.strides, strict=True):
        offset = offset + index.scale(stride)
    strides = tuple(source.strides[d] for d in kept)
    shape = tuple(result_type.get_shape())
    return View(source.scope, source.buffer, offset, strides, shape, source.element_bits)


def _fold(op: Operation, resolve: Resolver) -> Value | None:
    """The value of a pure arith/loop op from its operands' values, or None."""
    if isinstance(op, arith.ConstantOp):
        value = op.value
        return value.value.data if isinstance(value, IntegerAttr) else None
    values = [resolve(v) for v in op.operands]
    if any(v is None or isinstance(v, View) for v in values):
        return None
    if isinstance(op, arith.IndexCastOp):
        return values[0]
    if isinstance(op, MinOp | MaxOp):
        if not all(isinstance(v, int) for v in values):
            return None
        ints = [v for v in values if isinstance(v, int)]
        return min(ints) if isinstance(op, MinOp) else max(ints)
    if len(values) != 2:
        return None
    lhs, rhs = values
    if isinstance(lhs, int) and isinstance(rhs, int):
        return _int_op(op, lhs, rhs)
    a = Linear.of(lhs) if isinstance(lhs, int) else lhs
    b = Linear.of(rhs) if isinstance(rhs, int) else rhs
    assert isinstance(a, Linear) and isinstance(b, Linear)
    if isinstance(op, arith.AddiOp):
        return a + b
    if isinstance(op, arith.SubiOp):
        return a - b
    if isinstance(op, arith.MuliOp):
        if b.is_const():
            return a.scale(b.const)
        if a.is_const():
            return b.scale(a.const)
    return None


def _int_op(op: Operation, a: int, b: int) -> int | None:
    if isinstance(op, arith.AddiOp):
        return a + b
    if isinstance(op, arith.SubiOp):
        return a - b
    if isinstance(op, arith.MuliOp):
        return a * b
    if isinstance(op, arith.FloorDivSIOp | arith.DivSIOp | arith.DivUIOp) and b:
        return a // b if isinstance(op, arith.FloorDivSIOp) or a * b >= 0 else -(-a // b)
    if isinstance(op, arith.RemSIOp | arith.RemUIOp) and b:
        return a % b
    if isinstance(op, arith.MinSIOp):
        return min(a, b)
    if isinstance(op, arith.MaxSIOp):
        return max(a, b)
    return None


def _bits(element: Attribute) -> int:
    return element.bitwidth if isinstance(element, IntegerType) else 0
