"""Hand-written loop IR that packs panels and calls the GEMM micro-kernel on subviews."""

from __future__ import annotations


def gemm_program(
    m: int,
    n: int,
    k: int,
    ldc: int,
    *,
    name: str,
    mr: int = 6,
    nr: int = 16,
    a_layout: str = "packed",
    b_layout: str = "packed",
    parallel: bool = False,
) -> str:
    """`loop.func @mm(A: m x k, B: k x n, C: m x ldc)`: C[:, :n] = A . B through `@name`.

    C is zeroed (all ldc columns), A and B packed into `mr`- and `nr`-wide panels when
    their layout is "packed", then one `hw.call` per mr x nr tile (m and n multiples of
    the tile) on `loop.subview`s."""
    assert m % mr == 0 and n % nr == 0 and ldc >= n
    mo, no = m // mr, n // nr
    f = "xf32"
    packed_a = f"memref<{mo}x{k}x{mr}{f}>"
    packed_b = f"memref<{no}x{k}x{nr}{f}>"
    a_view = (
        f"memref<{k}x{mr}{f}, strided<[{mr}, 1], offset: ?>>"
        if a_layout == "packed"
        else f"memref<{mr}x{k}{f}, strided<[{k}, 1], offset: ?>>"
    )
    b_view = (
        f"memref<{k}x{nr}{f}, strided<[{nr}, 1], offset: ?>>"
        if b_layout == "packed"
        else f"memref<{k}x{nr}{f}, strided<[{n}, 1], offset: ?>>"
    )
    c_view = f"memref<{mr}x{nr}{f}, strided<[{ldc}, 1], offset: ?>>"
    lines = [
        f"loop.func @mm(%A: memref<{m}x{k}{f}>, %B: memref<{k}x{n}{f}>, %C: memref<{m}x{ldc}{f}>) "
        "attributes {num_outputs = 1 : i64} {",
        "  %c0 = arith.constant 0 : index",
        "  %c1 = arith.constant 1 : index",
        "  %zero = arith.constant 0.0 : f32",
    ]
    for value in sorted({m, n, k, ldc, mo, no, mr, nr}):
        lines.append(f"  %c{value}_ = arith.constant {value} : index")

    def c(value: int) -> str:
        return f"%c{value}_"

    lines += [
        f"  loop.for %i = %c0 to {c(m)} step %c1 {{",
        f"    loop.for %j = %c0 to {c(ldc)} step %c1 {{",
        f"      loop.store %zero, %C[%i, %j] : memref<{m}x{ldc}{f}>",
        "    }",
        "  }",
    ]
    if a_layout == "packed":
        lines += [
            f'  %Ap = loop.alloc "global" : {packed_a}',
            f"  loop.for %io = %c0 to {c(mo)} step %c1 {{",
            f"    loop.for %kk = %c0 to {c(k)} step %c1 {{",
            f"      loop.for %ii = %c0 to {c(mr)} step %c1 {{",
            f"        %x = loop.load %A[%io * {mr} + %ii, %kk] : memref<{m}x{k}{f}>",
            f"        loop.store %x, %Ap[%io, %kk, %ii] : {packed_a}",
            "      }",
            "    }",
            "  }",
        ]
    if b_layout == "packed":
        lines += [
            f'  %Bp = loop.alloc "global" : {packed_b}',
            f"  loop.for %jo = %c0 to {c(no)} step %c1 {{",
            f"    loop.for %kk = %c0 to {c(k)} step %c1 {{",
            f"      loop.for %ji = %c0 to {c(nr)} step %c1 {{",
            f"        %y = loop.load %B[%kk, %jo * {nr} + %ji] : memref<{k}x{n}{f}>",
            f"        loop.store %y, %Bp[%jo, %kk, %ji] : {packed_b}",
            "      }",
            "    }",
            "  }",
        ]
    a_sub = (
        f"loop.subview %Ap[%io, 0, 0] : {packed_a} to {a_view}"
        if a_layout == "packed"
        else f"loop.subview %A[%io * {mr}, 0] : memref<{m}x{k}{f}> to {a_view}"
    )
    b_sub = (
        f"loop.subview %Bp[%jo, 0, 0] : {packed_b} to {b_view}"
        if b_layout == "packed"
        else f"loop.subview %B[0, %jo * {nr}] : memref<{k}x{n}{f}> to {b_view}"
    )
    kind = " parallel" if parallel else ""
    lines += [
        f"  loop.for %jo = %c0 to {c(no)} step %c1{kind} {{",
        f"    %b = {b_sub}",
        f"    loop.for %io = %c0 to {c(mo)} step %c1 {{",
        f"      %a = {a_sub}",
        f"      %c = loop.subview %C[%io * {mr}, %jo * {nr}] : memref<{m}x{ldc}{f}> to {c_view}",
        f"      hw.call @{name}(%a, %b, %c) : ({a_view}, {b_view}, {c_view}) -> ()",
        "    }",
        "  }",
    ]
    if a_layout == "packed":
        lines.append(f"  loop.free %Ap : {packed_a}")
    if b_layout == "packed":
        lines.append(f"  loop.free %Bp : {packed_b}")
    lines += ["  loop.return", "}"]
    return "\n".join(lines)
