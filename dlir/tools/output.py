"""Writing a tool's output file: whole or not at all, with the usual permissions.

    write_output("model.mlir", text)   # temp file in the same directory, then rename
    write_output("-", text)            # stdout

The text goes to a temporary file next to `path`, which then replaces `path` in one
rename, so a failure (disk full, interrupt) never leaves a half-written output. The
temporary file is created 0600; before the rename it gets the mode `path` would have
had if written directly: the existing file's mode, or for a new file 0666 minus the
umask (usually 0644). Shared by `dl-opt -o` and `dl-import -o`.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile


def write_output(path: str, text: str, prefix: str = ".dlir-") -> None:
    """Write `text` to `path` atomically (`-` is stdout); `prefix` names the temp file."""
    if path == "-":
        sys.stdout.write(text)
        return
    directory = os.path.dirname(os.path.abspath(path))
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _mode_for(path: str) -> int:
    """The permission bits `open(path, "w")` would leave on `path`."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)  # read the umask: setting it is the only portable way
        os.umask(umask)
        return 0o666 & ~umask
