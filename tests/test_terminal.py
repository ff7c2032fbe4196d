"""What a run prints: Snakemake's scheduler lines condensed, a long job's progress paced."""

import logging

from leanmlp.stage import CondensedSchedulerLog, TerminalPace


def record(msg, **extra):
    made = logging.LogRecord("snakemake.logging", logging.INFO, __file__, 1, msg, None, None)
    made.__dict__.update(extra)
    return made


def test_the_scheduler_says_nothing_per_job_and_its_progress_once_a_tenth():
    condensed = CondensedSchedulerLog()
    assert not condensed.filter(record("Select jobs to execute..."))
    assert not condensed.filter(record("Execute 2 jobs...", event="job_started"))
    assert not condensed.filter(record("Finished jobid: 3 (Rule: split)", event="job_finished"))
    shown = [done for done in range(1, 336) if condensed.filter(record(None, event="progress", done=done, total=335))]
    # the first job, the first of every further tenth, and the last
    assert shown == [1, 34, 67, 101, 134, 168, 201, 235, 268, 302, 335]
    for kept in (record("Building DAG of jobs..."), record("Error in rule train_mlp:", event="job_error"),
                 record("some warning", event=None)):
        assert condensed.filter(kept)


def test_a_job_prints_progress_at_most_once_a_half_minute():
    now = [0.0]
    pace = TerminalPace(30.0, clock=lambda: now[0])
    said = []
    for second in range(0, 100, 2):  # a step every 2 s
        now[0] = float(second)
        said.append(pace.due())
    assert [second for second, due in zip(range(0, 100, 2), said, strict=True) if due] == [30, 60, 90]
