"""`te-auto-schedule`: rule-based default schedules, written as te.schedule IR.

classify.py (what kind of stage) -> patterns.py (whole-kernel schedules: row
normalisation) and rules.py (schedules per kind, best first) -> schedule.py (a pattern
that matches and lowers, else the first rule te-to-loop accepts, per stage) -> pass_.py
(the pass).
"""
