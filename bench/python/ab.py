"""A/B of two builds of the Python image on bench.py's loops, by wall clock and CPU time: each
round runs every loop once on each image in turn (A, B, then B, A the next round, so neither
always goes first), so changes in the machine's load hit both alike. Prints, per loop and
image, the median (range) of the script's own timed round and of the QEMU process's CPU time
(user + system, the whole run: boot, warm-up and timed round), and B / A per round.

  flock /work/tools/bench.lock python3 bench/python/ab.py --rounds 5 \\
      --a APP_A/.unikraft/build/app_qemu-x86_64 --b APP_B/.unikraft/build/app_qemu-x86_64 \\
      --initrd APP_A/.unikraft/build/app.initrd [--loops fannkuch words]

The images are `kraft init --template python` projects with bench.py as rootfs/app/bench.py
(bench/harness/python.py's project); the initrd is the same for both when only the code
differs. Wall-clock figures on a shared machine are indicative: record `uptime` beside them."""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import boot  # noqa: E402

LOOPS = ["nbody", "spectral_norm", "fannkuch", "words"]
BENCH_LINE = re.compile(r"bench (\w+) 1 iterations (\d+) ns")


def run_once(image, initrd, loop, memory):
    """(timed round in ms, QEMU's CPU time in s) of one boot running `bench.py loop`."""
    command = boot.qemu_command("qemu/x86_64", image, memory,
                                boot.app_command_line(["/app/bench.py", loop]), initrd)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = BENCH_LINE.search(run.stdout)
    if not found:
        raise SystemExit(f"{image} {loop}: no bench line (QEMU exited {run.returncode}): {run.stdout[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return int(found.group(2)) / 1e6, cpu


def summary(values, unit):
    return f"{statistics.median(values):9.1f}{unit} ({min(values):.1f} to {max(values):.1f})"


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--a", required=True, help="image A (the reference)")
    options.add_argument("--b", required=True, help="image B (the change)")
    options.add_argument("--initrd", required=True)
    options.add_argument("--initrd-b", help="B's initrd, when it differs from A's")
    options.add_argument("--loops", nargs="+", default=LOOPS)
    options.add_argument("--rounds", type=int, default=5)
    options.add_argument("--memory", type=int, default=256)
    arguments = options.parse_args()
    images = {"A": (arguments.a, arguments.initrd), "B": (arguments.b, arguments.initrd_b or arguments.initrd)}
    samples = {(loop, side): [] for loop in arguments.loops for side in images}
    print(f"load at start: {os.getloadavg()}", flush=True)
    for round_number in range(arguments.rounds):
        order = ["A", "B"] if round_number % 2 == 0 else ["B", "A"]
        for loop in arguments.loops:
            for side in order:
                samples[(loop, side)].append(run_once(*images[side], loop, arguments.memory))
        print(f"round {round_number + 1} done, load {os.getloadavg()}", flush=True)
    for loop in arguments.loops:
        for side in images:
            wall = [s[0] for s in samples[(loop, side)]]
            cpu = [s[1] for s in samples[(loop, side)]]
            print(f"{loop:14} {side}: timed round {summary(wall, ' ms')}  QEMU CPU {summary(cpu, ' s')}")
        pairs = list(zip(samples[(loop, "A")], samples[(loop, "B")]))
        wall_ratio = [b[0] / a[0] for a, b in pairs]
        cpu_ratio = [b[1] / a[1] for a, b in pairs]
        lower = sum(1 for r in cpu_ratio if r < 1)
        print(f"{loop:14} B/A: timed round x{statistics.median(wall_ratio):.3f} (x{min(wall_ratio):.3f} to "
              f"x{max(wall_ratio):.3f}), CPU x{statistics.median(cpu_ratio):.3f} (x{min(cpu_ratio):.3f} to "
              f"x{max(cpu_ratio):.3f}; B lower in {lower} of {len(pairs)})")
    print(f"load at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
