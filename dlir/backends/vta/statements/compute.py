"""Compute statements: Gemm (and its reset) and Alu instructions.

    acc[..] = 0                                           -> Gemm reset
    acc[..] = acc[..] + ext(inp[..]) * ext(wgt[..])       -> Gemm
    acc[..] = max(acc[..], 0)  /  acc[..] = acc[..] + acc[..]   -> Alu

The loops that step by whole tiles become the instruction's own loops (up to
`max_loop_levels`, innermost first); the rest are unrolled into several instructions.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith
from xdsl.ir import Operation, SSAValue

from dlir.backends.vta.config import ACC, INP, WGT
from dlir.backends.vta.isa import Alu, AluLoop, Gemm, GemmLoop
from dlir.backends.vta.statements.base import (
    Access,
    Emitted,
    StatementBase,
    StatementError,
    describe,
    owner_of,
)
from dlir.dialects.loop import LoadOp


class ComputeStatements(StatementBase):
    """Gemm and Alu instructions of a statement, and the patterns that produce them."""

    # -- patterns ----------------------------------------------------------------------------

    def _match_gemm(self, value: SSAValue, target: Access) -> list[Emitted] | None:
        # acc[x] + ext(inp[..]) * ext(wgt[..])  (either order)
        add = owner_of(value)
        if not isinstance(add, arith.AddiOp):
            return None
        for old, product in ((add.lhs, add.rhs), (add.rhs, add.lhs)):
            load = owner_of(old)
            mul = owner_of(product)
            if not isinstance(load, LoadOp) or not isinstance(mul, arith.MuliOp):
                continue
            if self._access(load).address != target.address:
                continue
            factors = [_widened_load(mul.lhs), _widened_load(mul.rhs)]
            if any(f is None for f in factors):
                continue
            operands = {self._access(f).view.scope: self._access(f) for f in factors if f}
            if set(operands) != {INP, WGT}:
                continue
            return self._gemm_store(target, operands[INP], operands[WGT])
        return None

    def _gemm_store(self, acc: Access, inp: Access, wgt: Access) -> list[Emitted]:
        config = self.config
        loops, intra = self._split([acc, inp, wgt])
        expected = {
            (1, 0, config.block_in): config.block_out,
            (0, 1, 1): config.block_in,
        }
        if config.batch > 1:
            expected[(config.block_out, config.block_in, 0)] = config.batch
        found = {
            (acc.address.coeff(p), inp.address.coeff(p), wgt.address.coeff(p)): self.loops[p]
            for p in intra
        }
        if found != expected:
            raise StatementError(
                "the loops inside one tile do not form a VTA gemm "
                f"({config.batch}x{config.block_in} . {config.block_out}x{config.block_in}^T): "
                f"found (acc, inp, wgt) element strides and extents {_pairs(found)}, expected "
                f"{_pairs(expected)}; tile the nest by the gemm's shape",
                self.leaf,
            )
        return self._gemm({"acc": acc, "inp": inp, "wgt": wgt}, loops)

    def _alu_chain(self, value: SSAValue, target: Access) -> list[Emitted]:
        """acc[x] = op_n(...op_1(acc[x], imm)...) or acc[x] = op(acc[x], acc[y])."""
        chain, source = self._chain(value)
        if isinstance(source, tuple):
            raise StatementError(source[0], self.leaf)
        if source.address != target.address:
            raise StatementError(
                "an ALU statement updates its accumulator tile in place: it must read the "
                "tile it writes",
                self.leaf,
            )
        loops, intra = self._split([target, *(a for _, a in chain if isinstance(a, Access))])
        self._whole_tiles(target, intra)
        emitted: list[Emitted] = []
        for op, operand in chain:
            if isinstance(operand, Access):
                emitted += self._alu(op, {"dst": target, "src": operand}, loops, None)
            else:
                emitted += self._alu(op, {"dst": target}, loops, operand)
        return emitted

    def _chain(self, value: SSAValue) -> tuple[list[tuple[str, int | Access]], Access | tuple[str]]:
        """The ALU ops from an acc load up to `value`, innermost first, and that load
        (or a message saying what is not an ALU op)."""
        ops: list[tuple[str, int | Access]] = []
        while True:
            owner = owner_of(value)
            if isinstance(owner, LoadOp):
                access = self._access(owner)
                if access.view.scope != ACC:
                    return ops, (
                        f"the ALU reads accumulator tiles; found a read of {access.view.scope}",
                    )
                ops.reverse()
                return ops, access
            name = _ALU_OPS.get(type(owner)) if owner is not None else None
            if owner is None or name is None:
                return ops, (
                    f"{describe(owner)} is not an ALU op (add, max, min, shr, mul of an "
                    "accumulator and an i32 constant or another accumulator tile)",
                )
            lhs, rhs = owner.operands
            for chained, other in ((lhs, rhs), (rhs, lhs)):
                if name == "shr" and chained is not lhs:
                    continue
                constant = self.resolve(other)
                if isinstance(constant, int):
                    ops.append((name, constant))
                    value = chained
                    break
                load = owner_of(other)
                if isinstance(load, LoadOp) and owner_of(chained) is not None and name != "shr":
                    access = self._access(load)
                    if access.view.scope == ACC and isinstance(owner_of(chained), LoadOp):
                        ops.append((name, access))
                        value = chained
                        break
            else:
                return ops, (f"{owner.name} has no constant or accumulator operand",)

    # -- instructions ------------------------------------------------------------------------

    def _gemm(
        self, operands: dict[str, Access], loops: list[int], reset: bool = False
    ) -> list[Emitted]:
        tiles = {name: a.tiles(self.config, loops) for name, a in operands.items()}
        emitted: list[Emitted] = []
        for base, kept in self._levels(loops, self.config.max_loop_levels):
            gemm_loops = tuple(
                GemmLoop(
                    self.loops[p],
                    acc=tiles["acc"].coeff(p),
                    inp=tiles["inp"].coeff(p) if "inp" in tiles else 0,
                    wgt=tiles["wgt"].coeff(p) if "wgt" in tiles else 0,
                )
                for p in kept
            )
            acc = tiles["acc"].at(base)
            if reset:
                instr = Gemm(reset=True, acc=acc, loops=gemm_loops)
            else:
                instr = Gemm(
                    acc=acc, inp=tiles["inp"].at(base), wgt=tiles["wgt"].at(base), loops=gemm_loops
                )
            record = Emitted(instr)
            for a, i, w in instr.steps():
                record.writes.add((ACC, a))
                if not reset:
                    record.reads.update(((ACC, a), (INP, i), (WGT, w)))
            emitted.append(record)
        return emitted

    def _alu(
        self, op: str, operands: dict[str, Access], loops: list[int], imm: int | None
    ) -> list[Emitted]:
        tiles = {name: a.tiles(self.config, loops) for name, a in operands.items()}
        emitted: list[Emitted] = []
        for base, kept in self._levels(loops, self.config.max_loop_levels):
            alu_loops = tuple(
                AluLoop(
                    self.loops[p],
                    dst=tiles["dst"].coeff(p),
                    src=tiles["src"].coeff(p) if "src" in tiles else 0,
                )
                for p in kept
            )
            src = tiles["src"].at(base) if "src" in tiles else 0
            instr = Alu(op=op, dst=tiles["dst"].at(base), src=src, imm=imm, loops=alu_loops)
            record = Emitted(instr)
            for d, s in instr.steps():
                record.writes.add((ACC, d))
                record.reads.add((ACC, d))
                if imm is None:
                    record.reads.add((ACC, s))
            emitted.append(record)
        return emitted


_ALU_OPS: dict[type[Operation], str] = {
    arith.AddiOp: "add",
    arith.MaxSIOp: "max",
    arith.MinSIOp: "min",
    arith.ShRSIOp: "shr",
    arith.MuliOp: "mul",
}


def _widened_load(value: SSAValue) -> LoadOp | None:
    """The int8 load under a sign extension (index_cast through index, or extsi)."""
    owner = owner_of(value)
    if isinstance(owner, arith.ExtSIOp):
        owner = owner_of(owner.input)
    elif isinstance(owner, arith.IndexCastOp):
        inner = owner_of(owner.input)
        if isinstance(inner, arith.IndexCastOp):
            owner = owner_of(inner.input)
    return owner if isinstance(owner, LoadOp) else None


def alu_range(chain: Sequence[tuple[str, int | Access]]) -> tuple[int, int]:
    """The values an int32 accumulator can take after the chain's immediate ops."""
    low, high = -(2**31), 2**31 - 1
    for op, operand in chain:
        if not isinstance(operand, int):
            return -(2**31), 2**31 - 1
        if op == "shr":
            low, high = low >> operand, high >> operand
        elif op == "max":
            low, high = max(low, operand), max(high, operand)
        elif op == "min":
            low, high = min(low, operand), min(high, operand)
        elif op == "add":
            low, high = low + operand, high + operand
        else:
            corners = (low * operand, high * operand)
            low, high = min(corners), max(corners)
    return low, high


def _pairs(found: dict[tuple[int, int, int], int]) -> str:
    return ", ".join(f"{k} x {v}" for k, v in sorted(found.items())) or "none"
