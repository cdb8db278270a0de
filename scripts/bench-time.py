#!/usr/bin/env python3
"""Times commands against each other, interleaved (A B A B ...), and prints their medians (for scripts/bench.sh).

usage: scripts/bench-time.py RUNS NAME COMMAND [NAME COMMAND ...]

COMMAND is one shell-quoted string, run without a shell, its output discarded. One untimed
warm-up run each first. Every run must exit 0 or 1 (a verdict) and always the same status as the
warm-up; anything else stops the benchmark. Prints one line per command,
`NAME median_ms min_ms max_ms exit_status`, then `ratio NAME1/NAME2` of the first two medians
(when there are two).
"""

import shlex
import statistics
import subprocess
import sys
import time


def run(argv):
    start = time.perf_counter()
    status = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    return (time.perf_counter() - start) * 1000.0, status


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2 != 0:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    commands = [(sys.argv[i], shlex.split(sys.argv[i + 1])) for i in range(2, len(sys.argv), 2)]
    expected = {}
    for name, argv in commands:
        _, status = run(argv)
        if status not in (0, 1):
            sys.exit(f"bench-time: {name} exited {status} on its warm-up run: {shlex.join(argv)}")
        expected[name] = status
    times = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, argv in commands:
            elapsed, status = run(argv)
            if status != expected[name]:
                sys.exit(f"bench-time: {name} exited {status}, not {expected[name]} as before")
            times[name].append(elapsed)
    medians = {}
    for name, _ in commands:
        medians[name] = statistics.median(times[name])
        print(f"{name} {medians[name]:.1f} {min(times[name]):.1f} {max(times[name]):.1f} {expected[name]}")
    if len(commands) > 1:
        first, second = commands[0][0], commands[1][0]
        print(f"ratio {medians[first] / medians[second]:.3f}")


if __name__ == "__main__":
    main()
