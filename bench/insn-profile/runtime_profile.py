"""What each runtime row (bench/programs) costs in guest work per operation, on both sides of
the x86_64 comparison, exactly and independently of the host's load: the unikernel under
qemu-system-x86_64 (system-mode TCG) and the same program as a Linux process under
qemu-x86_64 (user-mode TCG), both under tbexits.so. Each row runs twice with a fixed iteration
count (`-n N`, bench/programs/main.c) and the difference of the counters, divided by the
difference of the counts, is the cost of one operation (start-up, the warm-up batch and the
exit cancel).

Per operation: guest instructions; memory accesses (in system mode each goes through QEMU's
software TLB, in user mode it is a host access at a fixed offset); block transitions, split
into those QEMU chains (a direct jump within a page), those after an indirect exit (ret, an
indirect call or jump: a lookup of the next block, which in system mode also translates the
target's page) and those after a direct jump into another page (looked up alike); and, on the
Linux side, system calls (each leaves the translated code for QEMU's syscall layer and the
host's kernel, which the instruction count does not see).

  cc -O2 -shared -fPIC -o /tmp/tbexits.so tbexits.c
  python3 runtime_profile.py --host BENCH-HOST --image IMAGE --initrd INITRD [--mimalloc-image IMAGE2]
      [--data FILE] [--plugin /tmp/tbexits.so] [--symbols N] [ROW...]

--symbols N also prints, per side, the N functions that ran the most instructions per
operation (from the image's `.dbg` and the host program's symbols): what is our code and what
is the libc's.

BENCH-HOST is `gcc -static -O2 -std=c11 -DBENCH_PIN_CPU -o bench-host bench/programs/*.c
-lpthread`; IMAGE, INITRD (and IMAGE2, the Kraftfile with the mimalloc port) are the bench's
(`bench/run --only runtime` leaves them under its work folder, runtime/unikernel*/.unikraft/build);
FILE is the host side's copy of the initrd's bench.dat (1 MiB)."""

import argparse
import collections
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import boot  # noqa: E402
from profile import Symbols  # noqa: E402
from tbexits import counts  # noqa: E402

# Iteration counts per row (fewer and more): enough operations that a timer interrupt or a
# page of the allocator's growth is noise, few enough that a row takes seconds under the
# plugin. fileread's are whole files (256 reads of 4 KiB), so both runs open as often per read.
ROWS = {
    "syscall": (2000, 22000),
    "malloc": (2000, 22000),
    "malloc-mimalloc": (2000, 22000),
    "thread": (200, 1200),
    "switch": (2000, 12000),
    "fileread": (512, 5120),
    "compute": (10000, 110000),
    "memcopy": (200, 2200),
}
FIELDS = ("insns", "accesses", "transitions", "chained", "indirect", "returns", "crosspage", "syscalls")


def per_operation(fewer, more, iterations):
    """Each counter's cost per operation from two runs of `iterations` (fewer, more)."""
    for found in (fewer, more):
        found["chained"] = found["transitions"] - found["indirect"] - found["crosspage"]
    span = iterations[1] - iterations[0]
    return {name: (more.get(name, 0) - fewer.get(name, 0)) / span for name in FIELDS}


def program_arguments(row, iterations, data):
    program = "malloc" if row == "malloc-mimalloc" else row
    return ["-n", str(iterations), program] + ([data] if row == "fileread" else [])


def measure(row, command_for, plugin, at=None, symbols=None):
    """Counters per operation of `row` on one side, and with `symbols` instructions per
    operation by function; command_for(iterations) is its command, the plugin's option
    inserted at `at` (tbexits.counts)."""
    runs, by_function = [], []
    for iterations in ROWS[row]:
        blocks = os.path.join(tempfile.mkdtemp(prefix="runtime-profile-"), "blocks")
        runs.append(counts(command_for(iterations), plugin, ["blocks=" + blocks] if symbols else [], at))
        if symbols:
            by_function.append(instructions_by_function(blocks, symbols))
    found = per_operation(runs[0], runs[1], ROWS[row])
    if not symbols:
        return found, {}
    span = ROWS[row][1] - ROWS[row][0]
    names = set(by_function[0]) | set(by_function[1])
    return found, {name: (by_function[1][name] - by_function[0][name]) / span for name in names}


def instructions_by_function(blocks, symbols):
    """{function: instructions} from tbexits.so's blocks= file ("vaddr insns execs")."""
    spent = collections.Counter()
    with open(blocks) as lines:
        for line in lines:
            vaddr, insns, execs = line.split()
            spent[symbols.name(int(vaddr, 16))] += int(insns) * int(execs)
    return spent


def top(by_function, count):
    ranked = sorted(by_function.items(), key=lambda item: -item[1])[:count]
    return "  ".join(f"{name} {spent:.1f}" for name, spent in ranked if spent >= 0.5)


def line(row, side, measured, symbol_count):
    found, by_function = measured
    cells = "  ".join(f"{name} {found[name]:8.1f}" for name in FIELDS)
    print(f"{row:16} {side:10} {cells}", flush=True)
    if symbol_count:
        print(f"{'':16} {'':10} by function: {top(by_function, symbol_count)}", flush=True)


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("rows", nargs="*", default=list(ROWS))
    options.add_argument("--host", required=True, help="the bench program built for Linux (static)")
    options.add_argument("--image", required=True, help="the unikernel image (qemu/x86_64)")
    options.add_argument("--initrd", required=True)
    options.add_argument("--mimalloc-image", help="the unikernel built with the mimalloc port")
    options.add_argument("--data", help="the host side's bench.dat (fileread)")
    options.add_argument("--plugin", default="/tmp/tbexits.so")
    options.add_argument("--memory", type=int, default=64)
    options.add_argument("--symbols", type=int, default=0, help="also the N costliest functions per side")
    arguments = options.parse_args()
    unknown = [row for row in arguments.rows if row not in ROWS]
    if unknown:
        options.error(f"no row {', '.join(unknown)} (rows: {', '.join(ROWS)})")
    for row in arguments.rows:
        image = arguments.mimalloc_image if row == "malloc-mimalloc" else arguments.image
        if not image or (row == "fileread" and not arguments.data):
            print(f"{row:16} skipped: needs {'--mimalloc-image' if not image else '--data'}", flush=True)
            continue

        def unikernel(iterations, image=image, row=row):
            append = boot.app_command_line(program_arguments(row, iterations, "/bench.dat"))
            return boot.qemu_command("qemu/x86_64", image, arguments.memory, append, arguments.initrd)

        def linux(iterations, row=row):
            return ["qemu-x86_64", arguments.host] + program_arguments(row, iterations, arguments.data)

        count = arguments.symbols
        image_symbols = Symbols(image + ".dbg" if os.path.exists(image + ".dbg") else image) if count else None
        host_symbols = Symbols(arguments.host) if count else None
        line(row, "unikernel", measure(row, unikernel, arguments.plugin, symbols=image_symbols), count)
        line(row, "linux", measure(row, linux, arguments.plugin, at=1, symbols=host_symbols), count)


if __name__ == "__main__":
    main()
