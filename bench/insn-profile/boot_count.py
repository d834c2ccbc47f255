"""What a boot costs QEMU's TCG, counted exactly and independently of the host's load: for
each image (a kraft image or QEMU's floor stub, bench/floor/), booted to its exit the way the
bench boots it (bench/harness/boot.py's command line), the translated blocks of the image's
own code and the guest instructions they ran (tbexits.so), and the accesses to device
registers after the firmware handed over (QEMU's `memory_region_ops_*` trace events, each an
exit from translated code into a device model), by device.

  cc -O2 -shared -fPIC -o /tmp/tbexits.so tbexits.c
  python3 boot_count.py --plugin /tmp/tbexits.so qemu/x86_64:IMAGE qemu/x86_64:FLOOR ...

A target is qemu/x86_64 (`pc`), fc/x86_64 (`microvm`) or qemu/arm64 (`virt`). The image's
executable segments (of its `.dbg` twin when there is one) bound the code counted; with a
`.dbg`, the functions with the most translated blocks and instructions are listed too (code
that runs once costs QEMU a translation per block). With `--host`, QEMU itself is also run under
valgrind's cachegrind (no plugin): the host instructions QEMU executes for the whole boot, the
same in every run on `microvm` and arm64 `virt` (SeaBIOS's timing loops make `pc` vary by
about 2%), which is what a boot's wall time follows on a loaded machine without its noise.
On 2026-12-02 a translated guest instruction cost QEMU about 8,700 host instructions and an
executed one about 10 (fitted from two changes), so code run once dominates a boot."""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import boot  # noqa: E402
from profile import Symbols  # noqa: E402


def code_range(elf):
    """`range=LO-HI` over the ELF's executable segments: the image's own code, not the firmware
    (SeaBIOS copies itself to the top of `pc`'s RAM) nor QEMU's boot stub on arm64."""
    listed = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True, check=True).stdout
    spans = [(int(f[2], 16), int(f[2], 16) + int(f[5], 16)) for f in map(str.split, listed.splitlines())
             if f[:1] == ["LOAD"] and "E" in f[6:-1]]
    if not spans:
        raise SystemExit(f"{elf}: no executable segment")
    return f"range={min(lo for lo, _ in spans):#x}-{max(hi for _, hi in spans):#x}"

# The firmware's last device access before the image runs: its loader reading fw_cfg (pc's
# Multiboot option ROM and microvm's qboot both load the image through it). arm64 `virt`
# runs no firmware: every access is the image's.
FIRMWARE_LAST = ("'fwcfg'", "'fwcfg.dma'", "'fwcfg.data'", "'fwcfg.ctl'")


def run(target, image, elf, plugin, memory):
    """(plugin counters, [(vaddr, insns, execs)], Counter of device accesses, console text)."""
    folder = tempfile.mkdtemp(prefix="boot-count-")
    out, blocks, trace = (os.path.join(folder, name) for name in ("counts", "blocks", "trace"))
    command = boot.qemu_command(target, image, memory)
    command += ["-plugin", ",".join([plugin, code_range(elf), "out=" + out, "blocks=" + blocks])]
    command += ["-trace", "memory_region_ops_*", "-D", trace]
    done = subprocess.run(command, capture_output=True, timeout=300)
    if not os.path.exists(out):
        raise SystemExit(f"{image}: tbexits.so wrote nothing (QEMU exited {done.returncode}): {done.stderr[-400:]}")
    fields = open(out).read().split()
    counters = dict(zip(fields[::2], map(int, fields[1::2])))
    listed = [tuple(int(f, 16) if i == 0 else int(f) for i, f in enumerate(line.split())) for line in open(blocks)]
    lines = open(trace, errors="replace").read().splitlines()
    handover = max((i for i, line in enumerate(lines) if line.endswith(FIRMWARE_LAST)), default=-1)
    accesses = collections.Counter()
    for line in lines[handover + 1 :]:
        if line.startswith("memory_region_ops_"):
            kind = "read" if line.startswith("memory_region_ops_read") else "write"
            accesses[f"{line.rsplit('name ', 1)[1].strip(chr(39))} {kind}"] += 1
    for path in (out, blocks, trace):
        os.unlink(path)
    os.rmdir(folder)
    return counters, listed, accesses, done.stdout.decode(errors="replace")


def host_instructions(target, image, memory):
    """QEMU's host instructions (cachegrind's I refs, every thread) for one boot."""
    folder = tempfile.mkdtemp(prefix="boot-count-")
    out = os.path.join(folder, "cachegrind.out")
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=" + out]
    done = subprocess.run(command + boot.qemu_command(target, image, memory), capture_output=True,
                          text=True, timeout=600)
    if os.path.exists(out):
        os.unlink(out)
    os.rmdir(folder)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if not found:
        raise SystemExit(f"{image}: no count from valgrind (is it installed?): {done.stderr[-400:]}")
    return int(found.group(1).replace(",", ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("boots", nargs="+", metavar="TARGET:IMAGE")
    parser.add_argument("--plugin", default="/tmp/tbexits.so")
    parser.add_argument("--memory", type=int, default=64, help="MiB, as the bench boots (64)")
    parser.add_argument("--top", type=int, default=12, help="functions listed per image")
    parser.add_argument("--host", action="store_true", help="also QEMU's host instructions (valgrind)")
    args = parser.parse_args()
    for spec in args.boots:
        target, image = spec.split(":", 1)
        dbg = image + ".dbg"
        elf = dbg if os.path.exists(dbg) else image
        counters, listed, accesses, console = run(target, image, elf, args.plugin, args.memory)
        print(f"{target} {image}")
        print(f"  translated blocks {len(listed)}, their instructions {sum(b[1] for b in listed)}, "
              f"instructions run {counters['insns']}, block transitions {counters['transitions']}")
        print(f"  device accesses {sum(accesses.values())}: "
              + ", ".join(f"{name} {count}" for name, count in accesses.most_common()))
        print(f"  console bytes {len(console.encode())}")
        if args.host:
            print(f"  QEMU host instructions {host_instructions(target, image, args.memory):,}")
        if os.path.exists(dbg):
            symbols = Symbols(dbg)
            per = collections.defaultdict(lambda: [0, 0, 0])
            for vaddr, insns, execs in listed:
                name = symbols.name(vaddr)
                per[name][0] += 1
                per[name][1] += insns
                per[name][2] += insns * execs
            ranked = sorted(per.items(), key=lambda item: -item[1][1])[: args.top]
            print("  most translated: " + ", ".join(f"{name} {t} in {b} blocks" for name, (b, t, _) in ranked))
            heavy = sorted(per.items(), key=lambda item: -item[1][2])[: args.top]
            print("  most run: " + ", ".join(f"{name} {i}" for name, (_, _, i) in heavy))


if __name__ == "__main__":
    main()
