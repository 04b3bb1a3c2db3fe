"""`te-auto-schedule`: rule-based default schedules, written as te.schedule IR.

classify.py (what kind of stage) -> rules.py (schedules per kind, best first) ->
schedule.py (the first rule te-to-loop accepts, per stage) -> pass_.py (the pass).
"""
