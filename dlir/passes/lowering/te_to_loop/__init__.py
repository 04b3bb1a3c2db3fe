"""`te-to-loop`: te kernels and their schedules -> loop nests over buffers (`pass_.py`).

`plan.py` is the loop plan a nest is built from (the seam schedules extend);
`default_schedule.py` and `schedule.py` make plans; `kernel.py` lowers one kernel,
`nest.py` builds the loops, `attach.py` the regions of compute_at, `body.py` the stage
bodies, and `hoist.py` moves invariant code out of loops. `differential.py` runs a
kernel through the interpreter and natively and compares (the tests' spine).
"""
