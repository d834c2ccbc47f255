"""The python3 port's link order (Ports/python3/symbol-order.txt), from a profile of the bench
loops: which functions the interpreter runs and which call or jump to which, so the linker
(ld.lld --symbol-ordering-file) lays the hot ones out together and callers beside their
callees.

Why: system-mode QEMU TCG chains one translated block to the next only when a direct jump's
target is in the same 4 KiB guest page as the block; a direct call or jump into another page
goes through helper_lookup_tb_ptr's hash lookup, as every indirect one does. clang's
-ffunction-sections image keeps functions in object-file order, so the interpreter's hot
paths are spread over hundreds of pages (docs/python.md, "Compute").

How: the unikernel image (built without the order, or with an older one) runs the template's
starter script (boot and its imports: what every Python image runs) and each loop of
bench/python/bench.py under bench/insn-profile/tbexits.so, which writes every block's
executions and every direct block-to-block transition. Each run is the same instructions
every time, whatever the host's load: QEMU runs with `-icount shift=0` (the guest's clock and
its timer interrupts follow the instruction count) and a fixed real-time clock, and the
interpreter with PYTHONHASHSEED=0 (a random hash seed changes how often the loops' dicts and
sets collide, so how many instructions they run). Functions are the .dbg image's
symbols. The layout is C3 (Ottoni and Maher, "Optimizing function placement for large-scale
data-center applications", CGO 2017, as hfsort has it): functions by instructions executed,
each appended to the cluster of its most frequent caller while the cluster stays within a
page; clusters by density (instructions per byte). The script prints the cross-page direct
transitions the profiled layout had and those the new one would have (each block moved with
its function; function starts 16-byte aligned, as clang aligns them).

  cc -O2 -shared -fPIC -o /tmp/tbexits.so bench/insn-profile/tbexits.c
  python3 bench/python/symbol_order.py --image APP/.unikraft/build/app_qemu-x86_64 \\
      --initrd APP/.unikraft/build/app.initrd --output Ports/python3/symbol-order.txt

APP is a `kraft init --template python` project with bench.py as rootfs/app/bench.py, built
for qemu/x86_64. The output lists one symbol a line, hottest cluster first. The profile's
counts are exact (guest instructions, not samples), so a rerun on the same image writes the
same file whatever the host's load. What the order is made from (instructions per function,
calls between functions) does not depend on where the functions lie, so profiling an image
already linked with the order gives the same order back while CPython's code is unchanged.
The list is an optimisation only: a function it names that the image lacks is skipped by the
link, a function it misses is laid out after it, so a stale list costs speed, never
correctness (docs/python.md, "Compute", says when to regenerate it)."""

import argparse
import bisect
import collections
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import boot  # noqa: E402

LOOPS = ["nbody", "spectral_norm", "fannkuch", "words"]
# The profiled runs: the starter script (boot, the interpreter's start-up and its imports),
# then bench.py's loops by name.
BOOT = "boot"
STARTER = "/app/main.py"
PAGE = 4096
ALIGN = 16


class Functions:
    """The image's functions (`nm -S` of the .dbg file): start, size and one name each."""

    def __init__(self, image):
        listed = subprocess.run(["nm", "-n", "-S", "--defined-only", image], capture_output=True, text=True,
                                check=True).stdout
        by_start = {}
        for line in listed.splitlines():
            fields = line.split()
            if len(fields) == 4 and fields[2] in "tTwW" and int(fields[1], 16) > 0:
                by_start.setdefault(int(fields[0], 16), (fields[3], int(fields[1], 16)))
        self.starts = sorted(by_start)
        self.names = [by_start[s][0] for s in self.starts]
        self.sizes = {by_start[s][0]: by_start[s][1] for s in self.starts}
        self.start_of = {by_start[s][0]: s for s in self.starts}

    def of(self, vaddr):
        at = bisect.bisect_right(self.starts, vaddr) - 1
        if at < 0 or vaddr >= self.starts[at] + self.sizes[self.names[at]]:
            return None
        return self.names[at]


def profile(image, initrd, plugin, loops, memory):
    """{block vaddr: instructions executed} and {(from block, to vaddr): count} over the loops."""
    blocks, edges = collections.Counter(), collections.Counter()
    folder = tempfile.mkdtemp(prefix="symbol-order-")
    for loop in loops:
        paths = {name: os.path.join(folder, f"{loop}.{name}") for name in ("out", "edges", "blocks")}
        arguments = [STARTER] if loop == BOOT else ["/app/bench.py", loop]
        command = boot.qemu_command("qemu/x86_64", image, memory,
                                    boot.app_command_line(arguments, env=[("PYTHONHASHSEED", "0")]), initrd)
        command += ["-icount", "shift=0,sleep=off", "-rtc", "base=2026-01-01T00:00:00,clock=vm"]
        command += ["-plugin", ",".join([plugin] + [f"{name}={path}" for name, path in paths.items()])]
        run = subprocess.run(command, capture_output=True, text=True, timeout=7200)
        expected = "Hello from Python" if loop == BOOT else f"bench {loop} "
        if expected not in run.stdout or not os.path.exists(paths["blocks"]):
            raise SystemExit(f"{loop}: no bench line or no profile (QEMU exited {run.returncode}): "
                             f"{(run.stdout + run.stderr)[-600:]}")
        read_counts(paths["blocks"], paths["edges"], blocks, edges)
        print(f"profiled {loop}: {open(paths['out']).read().strip()}", file=sys.stderr, flush=True)
    return blocks, edges


def read_counts(blocks_path, edges_path, blocks, edges):
    for line in open(blocks_path):
        vaddr, insns, execs = line.split()
        blocks[int(vaddr, 16)] += int(insns) * int(execs)
    for line in open(edges_path):
        source, target, count = line.split()
        edges[(int(source, 16), int(target, 16))] += int(count)


def c3(heat, sizes, calls):
    """C3's clusters (lists of function names), densest first. heat: {function: instructions};
    calls: {(caller, callee): count}."""
    callers = collections.defaultdict(collections.Counter)
    for (caller, callee), count in calls.items():
        if caller in heat:
            callers[callee][caller] += count
    cluster = {f: [f] for f in heat}
    size = {f: sizes[f] for f in heat}
    for function in sorted(heat, key=lambda f: (-heat[f], f)):
        if not callers[function]:
            continue
        caller = max(callers[function].items(), key=lambda item: (item[1], item[0]))[0]
        head, tail = cluster[caller][0], cluster[function][0]
        if head == tail or size[head] + size[tail] > PAGE:
            continue
        cluster[head] += cluster[tail]
        size[head] += size[tail]
        for moved in cluster[tail]:
            if moved != head:
                cluster[moved] = cluster[head]
        cluster[tail] = cluster[head]
    heads = {id(members): members for members in cluster.values()}.values()
    density = lambda members: sum(heat[f] for f in members) / max(1, sum(sizes[f] for f in members))
    return sorted(heads, key=lambda m: (-density(m), m[0]))


def pack(clusters, sizes, at, window):
    """The clusters in order, except that one which would straddle a page boundary although
    it fits in a page waits for the densest of the next `window` clusters that fits in what
    is left of the page (TCG chains only within a page, so a cluster split across two pages
    loses what C3 gained for it)."""
    def end(members, start):
        for name in members:
            start = (start + ALIGN - 1) // ALIGN * ALIGN + sizes[name]
        return start
    pending, order = list(clusters), []
    while pending:
        chosen = 0
        room_end = (at // PAGE + 1) * PAGE
        if end(pending[0], at) > room_end and end(pending[0], 0) <= PAGE:
            chosen = next((i for i in range(1, min(window, len(pending))) if end(pending[i], at) <= room_end), 0)
        members = pending.pop(chosen)
        order += members
        at = end(members, at)
    return order


def cross_page(edges, functions, placement=None):
    """Direct transitions between blocks in different pages: as profiled, or with each
    function moved to `placement[name]` (functions not in it stay where they were)."""
    moved = lambda vaddr, name: vaddr if placement is None or name not in placement else \
        placement[name] + vaddr - functions.start_of[name]
    total = 0
    for (source, target), count in edges.items():
        a, b = functions.of(source), functions.of(target)
        if a is None or b is None:
            continue
        if (moved(source, a) ^ moved(target, b)) // PAGE:
            total += count
    return total


def place(order, functions, at):
    placement = {}
    for name in order:
        at = (at + ALIGN - 1) // ALIGN * ALIGN
        placement[name] = at
        at += functions.sizes[name]
    return placement


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--image", required=True, help="the unikernel image; its .dbg beside it names the functions")
    options.add_argument("--initrd", required=True)
    options.add_argument("--plugin", default="/tmp/tbexits.so")
    options.add_argument("--loops", nargs="+", default=[BOOT] + LOOPS,
                         help=f"the runs to profile: {BOOT} (the starter script) and bench.py's loops")
    options.add_argument("--memory", type=int, default=256)
    options.add_argument("--profile", nargs=2, metavar=("BLOCKS", "EDGES"), action="append",
                         help="use tbexits.so's files of an earlier run instead of running the loops (repeatable)")
    options.add_argument("--pack-window", type=int, default=1,
                         help="let a cluster that would straddle a page wait for the densest of the next N that "
                              "fits the page's rest (1: C3's order as is; docs/python.md has the simulated effect)")
    options.add_argument("--output", required=True)
    arguments = options.parse_args()
    functions = Functions(arguments.image + ".dbg")
    if arguments.profile:
        blocks, edges = collections.Counter(), collections.Counter()
        for blocks_path, edges_path in arguments.profile:
            read_counts(blocks_path, edges_path, blocks, edges)
    else:
        blocks, edges = profile(arguments.image, arguments.initrd, arguments.plugin, arguments.loops, arguments.memory)

    heat, calls = collections.Counter(), collections.Counter()
    for vaddr, insns in blocks.items():
        name = functions.of(vaddr)
        if name:
            heat[name] += insns
    for (source, target), count in edges.items():
        a, b = functions.of(source), functions.of(target)
        if a and b and a != b:
            calls[(a, b)] += count
    # What ran once at boot would only dilute the order: keep the functions that ran at least
    # as many instructions as they have bytes (the loops' code).
    hot = {f: n for f, n in heat.items() if n >= functions.sizes[f]}
    text_start = min(functions.starts)
    order = pack(c3(hot, functions.sizes, calls), functions.sizes, text_start, arguments.pack_window)
    before, after = cross_page(edges, functions), cross_page(edges, functions, place(order, functions, text_start))
    by_heat = cross_page(edges, functions, place(sorted(hot, key=lambda f: -hot[f]), functions, text_start))
    total = sum(edges.values())
    print(f"{len(order)} functions ({sum(functions.sizes[f] for f in order)} bytes) of {len(heat)} run; "
          f"direct transitions {total}: cross-page as profiled {before} ({100 * before / total:.1f}%), "
          f"by heat only {by_heat} ({100 * by_heat / total:.1f}%), C3 {after} ({100 * after / total:.1f}%)",
          file=sys.stderr)
    with open(arguments.output, "w") as out:
        out.write("".join(name + "\n" for name in order))


if __name__ == "__main__":
    main()
