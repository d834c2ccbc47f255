"""The python3 port's sample profile (Ports/python3/python3.prof), for clang's
-fprofile-sample-use (the recipe's `sample-profile:`): AutoFDO from an exact TCG profile
instead of perf's sampled last-branch records.

Why: without a profile clang's inliner and block layout treat every call and branch alike.
Debian's python3.11 is built by gcc with PGO and LTO, which inline along the hot paths and
move cold code out of line; the port's interpreter makes 2.4 times its returns in fannkuch
(docs/python.md, "Block transitions, counted"), and each return is a block-cache lookup
under TCG. ThinLTO over all of CPython inlined cold error helpers into the interpreter loop
for want of a profile (docs/python.md, "ThinLTO over all of CPython, explained").

How: the unikernel image (built without a profile, or with an older one) runs the
template's starter script and each loop of bench/python/bench.py under
bench/insn-profile/branches.so, which writes every executed block as an address range with
its count and every taken branch between blocks with its count: what perf's LBR samples
give llvm-profgen, but complete. The runs are the same instructions every time whatever the
host's load (`-icount shift=0,sleep=off`, a fixed real-time clock, PYTHONHASHSEED=0: as
symbol_order.py runs them). The five runs are summed into llvm-profgen's unsymbolized
profile (ranges and branches, virtual addresses), and llvm-profgen (LLVM 14's, Debian's
llvm-14 package; it reads the .dbg image's DWARF, inline frames included) writes the sample
profile: per function, the executions of each line offset and discriminator, and each call
site's targets.

  cc -O2 -shared -fPIC -o /tmp/branches.so bench/insn-profile/branches.c
  python3 bench/python/sample_profile.py --image APP/.unikraft/build/app_qemu-x86_64 \\
      --initrd APP/.unikraft/build/app.initrd --plugin /tmp/branches.so \\
      --output Ports/python3/python3.prof

APP is a `kraft init --template python` project with bench.py as rootfs/app/bench.py, built
for qemu/x86_64 (bench/harness/python.py's project). The counts are exact and the same on
every run of one image, so a rerun writes the same file. The profile is an optimisation
only: clang ignores what no longer matches the source (a function's lines moved by a new
CPython), so a stale profile costs speed, never correctness; regenerate it when CPython,
the port's flags or bench.py change (docs/python.md says how it was measured)."""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import boot  # noqa: E402

LOOPS = ["nbody", "spectral_norm", "fannkuch", "words"]
BOOT = "boot"
STARTER = "/app/main.py"
PROFGEN = "/usr/lib/llvm-14/bin/llvm-profgen"


def executable_ranges(image):
    """The image's executable LOAD segments as (low, high) virtual addresses."""
    headers = subprocess.run(["readelf", "-lW", image], capture_output=True, text=True, check=True).stdout
    ranges = []
    for line in headers.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"] and "E" in "".join(fields[7:-1]):
            low, size = int(fields[2], 16), int(fields[5], 16)
            ranges.append((low, low + size))
    if not ranges:
        raise SystemExit(f"{image}: no executable segment")
    return ranges


def profile(image, initrd, plugin, runs, memory, folder):
    """Summed {(first, last): count} ranges and {(from, to): count} branches over the runs."""
    ranges, branches = collections.Counter(), collections.Counter()
    spans = ",".join(f"range={low:#x}-{high:#x}" for low, high in executable_ranges(image))
    for run_name in runs:
        out = os.path.join(folder, f"{run_name}.branches")
        arguments = [STARTER] if run_name == BOOT else ["/app/bench.py", run_name]
        command = boot.qemu_command("qemu/x86_64", image, memory,
                                    boot.app_command_line(arguments, env=[("PYTHONHASHSEED", "0")]), initrd)
        command += ["-icount", "shift=0,sleep=off", "-rtc", "base=2026-01-01T00:00:00,clock=vm"]
        command += ["-plugin", f"{plugin},{spans},out={out}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=7200)
        expected = "Hello from Python" if run_name == BOOT else f"bench {run_name} "
        if expected not in done.stdout or not os.path.exists(out):
            raise SystemExit(f"{run_name}: no bench line or no profile (QEMU exited {done.returncode}): "
                             f"{(done.stdout + done.stderr)[-600:]}")
        for line in open(out):
            kind, first, second, count = line.split()
            key, count = (int(first, 16), int(second, 16)), int(count)
            if kind == "R":
                ranges[key] += count
            else:
                branches[key] += count
        print(f"profiled {run_name}: {sum(1 for _ in open(out))} records", file=sys.stderr, flush=True)
    return ranges, branches


def write_unsymbolized(ranges, branches, path):
    """llvm-profgen's unsymbolized profile (what `--skip-symbolization` writes, read back by
    `--unsymbolized-profile`): the count of ranges, `first-last:count` lines, then the count of
    branches, `from->to:count` lines, addresses in hex."""
    with open(path, "w") as out:
        out.write(f"{len(ranges)}\n")
        for (first, last), count in sorted(ranges.items()):
            out.write(f"{first:x}-{last:x}:{count}\n")
        out.write(f"{len(branches)}\n")
        for (source, target), count in sorted(branches.items()):
            out.write(f"{source:x}->{target:x}:{count}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", required=True, help="the unikernel image (its .dbg beside it is read)")
    parser.add_argument("--initrd", required=True)
    parser.add_argument("--plugin", required=True, help="branches.so")
    parser.add_argument("--output", required=True, help="the sample profile (LLVM's text format)")
    parser.add_argument("--runs", default=",".join([BOOT] + LOOPS),
                        help="what to profile: 'boot' (the starter script) and bench.py's loops")
    parser.add_argument("--memory", type=int, default=256, help="MiB, as the bench's loops run")
    parser.add_argument("--keep", help="a folder to keep the raw and unsymbolized profiles in")
    options = parser.parse_args()
    debug = options.image + ".dbg"
    if not os.path.exists(debug):
        raise SystemExit(f"{debug}: no debug image beside {options.image}")
    folder = options.keep or tempfile.mkdtemp(prefix="sample-profile-")
    os.makedirs(folder, exist_ok=True)
    ranges, branches = profile(options.image, options.initrd, options.plugin, options.runs.split(","),
                               options.memory, folder)
    unsymbolized = os.path.join(folder, "unsymbolized.txt")
    write_unsymbolized(ranges, branches, unsymbolized)
    done = subprocess.run([PROFGEN, f"--binary={debug}", f"--unsymbolized-profile={unsymbolized}",
                           "--use-offset=0", "--format=text", f"--output={options.output}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"llvm-profgen failed ({done.returncode}): {done.stderr[-2000:]}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    functions = sum(1 for line in open(options.output) if line and not line[0].isspace())
    print(f"{options.output}: {functions} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
