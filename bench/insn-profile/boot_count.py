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
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness.tcg_count import CountError, count_boot, host_instructions  # noqa: E402
from profile import Symbols  # noqa: E402


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
        counters, listed, accesses, console = count_boot(target, image, elf, args.plugin, args.memory)
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
    try:
        main()
    except CountError as error:
        raise SystemExit(str(error))
