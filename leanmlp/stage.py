"""Helpers for the stage scripts: logging to the rule's log file and one clean error line.

Only the scripts call these; the rest of the package never logs or prints.
"""

import errno
import logging
import os
import socket
import sys
import time
from collections.abc import Callable

from leanmlp.exceptions import LeanMLPError


def job_label(wildcards: dict) -> str:
    """Which job of a rule this is, from its wildcards: '<setting>/<run>/seed<k>', '<model>'."""
    return "/".join(f"seed{value}" if key == "seed" else str(value) for key, value in dict(wildcards).items())


class LogFileHandler(logging.FileHandler):
    """The rule's log file, which gives up quietly once it cannot be written (a full disk):
    one line on the terminal says so, instead of a "Logging error" traceback for every record,
    and the terminal keeps the stage's own lines."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        error = sys.exc_info()[1]
        sys.stderr.write(f"the log file {self.baseFilename} cannot be written ({error}); the rest of this job's "
                         "lines go to the terminal only\n")
        self.setLevel(logging.CRITICAL + 1)  # nothing more reaches it
        stream, self.stream = self.stream, None
        try:
            stream.close()  # its buffer cannot be written either
        except OSError:
            pass


def stage_logger(name: str, log_path: str | None = None, job: str | None = None) -> logging.Logger:
    """A logger writing timestamped lines tagged with the stage and its job (``job_label``).

    The log file gets every line; the terminal, where the lines of parallel jobs interleave,
    gets INFO and above only: a stage keeps its detail (a training's every epoch) at DEBUG.
    """
    logger = logging.getLogger(f"leanmlp.{name}")
    logger.setLevel(logging.DEBUG)
    logger.handlers.clear()
    logger.propagate = False
    tag = f"{name} {job}" if job else name
    formatter = logging.Formatter(f"%(asctime)s [{tag}] %(message)s", "%H:%M:%S")
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.INFO)
    handlers = [terminal]
    if log_path:
        handlers.append(LogFileHandler(log_path, mode="w"))
    for handler in handlers:
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    return logger


def run_stage(main: Callable[[logging.Logger], object], logger: logging.Logger) -> None:
    """Run ``main(logger)``; an expected error becomes one log line and exit status 1.

    The first line says where the job runs (and its SLURM job id on a cluster), so a log
    shows which scheduler ran it.
    """
    slurm_job = os.environ.get("SLURM_JOB_ID")
    # on a cluster the terminal shows where each job ran; locally that is only in the log
    logger.log(logging.INFO if slurm_job else logging.DEBUG, "running on %s%s", socket.gethostname(),
               f" as SLURM job {slurm_job}" if slurm_job else "")
    start = time.perf_counter()
    try:
        main(logger)
    except LeanMLPError as e:
        logger.error("ERROR: %s", e)
        sys.exit(1)
    except KeyboardInterrupt:
        # Ctrl-C reaches every job: one line each, not a traceback quoting Snakemake's preamble
        logger.error("ERROR: interrupted; outputs are written atomically, so a rerun redoes this job")
        sys.exit(130)
    except MemoryError as e:
        logger.error("ERROR: out of memory (%s): a model or data set larger than this machine holds", e)
        sys.exit(1)
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
        logger.error("ERROR: no space left on the device writing %s; nothing half-written is kept: free space "
                     "and rerun", e.filename or "an output")
        sys.exit(1)
    logger.debug("done in %.2f s", time.perf_counter() - start)


class TerminalPace:
    """Whether a long job's next progress line goes to the terminal too (its log file has them
    all): at most one every ``seconds``, so a job of a few seconds shows its closing line only
    and a long one a line every half minute, whatever the number of its steps."""

    def __init__(self, seconds: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.last = clock()

    def due(self) -> bool:
        now = self.clock()
        if now - self.last < self.seconds:
            return False
        self.last = now
        return True


class ProgressReporter:
    """A download progress callback: a redrawn bar on a terminal, a log line every 10% elsewhere."""

    def __init__(self, logger, stream=sys.stderr, width=30):
        self.logger = logger
        self.stream = stream
        self.width = width
        self.interactive = stream.isatty()
        self.start = time.perf_counter()
        self.next_report = 0.0
        self.resumed_at = None  # bytes already on disk when this run began

    def __call__(self, done, total):
        if self.resumed_at is None:
            self.resumed_at = done
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = (done - self.resumed_at) / elapsed / 1e6
        if total:
            share = done / total
            if self.interactive:
                filled = int(share * self.width)
                bar = "#" * filled + "-" * (self.width - filled)
                self.stream.write(f"\r[{bar}] {share:6.1%} {done / 1e6:8.1f}/{total / 1e6:.1f} MB "
                                  f"{rate:6.1f} MB/s")
                if done >= total:
                    self.stream.write("\n")
                self.stream.flush()
            elif share >= self.next_report or done >= total:
                self.logger.info("%5.1f%% %.1f/%.1f MB at %.1f MB/s", 100 * share, done / 1e6,
                                 total / 1e6, rate)
                self.next_report = share + 0.1
        elif done >= self.next_report * 1e6:
            self.logger.info("%.1f MB at %.1f MB/s (size unknown)", done / 1e6, rate)
            self.next_report = done / 1e6 + 50


class CondensedSchedulerLog(logging.Filter):
    """A filter for Snakemake's own logger: the jobs' lines say what each job does, so the
    scheduler's lines about each job ("Select jobs to execute...", "Execute 2 jobs...", a
    timestamp and "Finished jobid" per job) are dropped, and its progress line is kept once per
    tenth of the jobs and at the end. Snakemake's warnings, errors and summaries pass.

    Reads the records' ``event`` attribute as the string Snakemake's ``LogEvent`` enum holds,
    so the package needs no Snakemake import.
    """

    DROPPED_EVENTS = {"job_started", "job_finished"}
    DROPPED_MESSAGES = {"Select jobs to execute..."}

    def __init__(self, parts: int = 10):
        super().__init__()
        self.parts = parts
        self.shown_part = -1

    def filter(self, record: logging.LogRecord) -> bool:
        event = str(getattr(record, "event", None) or "")
        if event in self.DROPPED_EVENTS:
            return False
        if event == "progress":
            part = record.done * self.parts // max(record.total, 1)
            if part == self.shown_part and record.done < record.total:
                return False
            self.shown_part = part
            return True
        return not (isinstance(record.msg, str) and record.msg in self.DROPPED_MESSAGES)

