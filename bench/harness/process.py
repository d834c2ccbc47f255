"""Running commands with whole-process wall time (time.perf_counter_ns)."""

import os
import subprocess
import time
from dataclasses import dataclass


@dataclass
class Completed:
    status: int
    output: str
    elapsed_ns: int
    timed_out: bool = False

    @property
    def seconds(self):
        return self.elapsed_ns / 1e9


def run(command, cwd=None, env=None, timeout=None):
    """Runs `command` to completion; stdout and stderr together, as one text."""
    merged = dict(os.environ)
    if env:
        merged.update(env)
    start = time.perf_counter_ns()
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=merged,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        output = (expired.output or b"").decode("utf-8", "replace")
        return Completed(-1, output, time.perf_counter_ns() - start, timed_out=True)
    elapsed = time.perf_counter_ns() - start
    return Completed(done.returncode, done.stdout.decode("utf-8", "replace"), elapsed)
