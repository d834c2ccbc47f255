"""How each Python bench loop's control flow costs system-mode TCG, exactly and independently
of the host's load: runs `bench.py LOOP` (a warm-up and a timed round) in the unikernel and in
the Linux guest of the Python bench (bench/harness/python_guest.py) under tbexits.so, and
prints per thousand guest instructions the block transitions QEMU chains, those through
helper_lookup_tb_ptr after an indirect exit (ret, indirect call or jump), and those after a
direct one into another guest page (what code layout changes). The Linux guest counts its
interpreter only (the executable and its shared libraries).

  cc -O2 -shared -fPIC -o /tmp/tbexits.so tbexits.c
  python3 tbexits.py --image APP/.unikraft/build/app_qemu-x86_64 --initrd APP/.unikraft/build/app.initrd \\
      [--linux-initrd python-linux-initramfs.cpio] [--plugin /tmp/tbexits.so] LOOP...

The images are the bench's (bench/run --only python leaves them in its work folder)."""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import boot, python_guest  # noqa: E402

# The Linux guest's interpreter: Debian's python3.11 is a non-PIE executable at 0x400000 (its
# segments end below 16 MiB, where the kernel's decompressor runs), and its shared libraries
# are mapped just below the top of user space.
LINUX_INTERPRETER = ["range=0x400000-0x1000000", "range=0x7f0000000000-0x800000000000"]


def counts(command, plugin, arguments, at=None):
    """The plugin's counters for one run of `command` (QEMU), its `-plugin` option inserted at
    index `at` (the end: qemu-system's; qemu-user's goes before the program)."""
    out = os.path.join(tempfile.mkdtemp(prefix="tbexits-"), "counts")
    at = len(command) if at is None else at
    command = command[:at] + ["-plugin", ",".join([plugin, "out=" + out] + arguments)] + command[at:]
    run = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if not os.path.exists(out):
        raise SystemExit(f"tbexits.so wrote nothing (QEMU exited {run.returncode}): {run.stderr[-500:]}")
    fields = open(out).read().split()
    return dict(zip(fields[::2], map(int, fields[1::2])))


def line(side, loop, found):
    per = lambda name: 1000 * found[name] / found["insns"]
    chained = found["transitions"] - found["indirect"] - found["crosspage"]
    print(f"{loop:14} {side:6} {found['insns'] / 1e6:9.1f} M insns  per 1000: transitions {per('transitions'):6.1f}"
          f"  chained {1000 * chained / found['insns']:6.1f}  indirect {per('indirect'):6.1f} (ret {per('returns'):5.1f})"
          f"  cross-page {per('crosspage'):6.1f}", flush=True)


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("loops", nargs="+")
    options.add_argument("--image", required=True, help="the unikernel image (bench.py in its /app)")
    options.add_argument("--initrd", required=True)
    options.add_argument("--linux-initrd", help="the Linux guest's initramfs; without it, the unikernel only")
    options.add_argument("--plugin", default="/tmp/tbexits.so")
    options.add_argument("--memory", type=int, default=256)
    options.add_argument("--side", choices=["uni", "linux", "both"], default="both")
    arguments = options.parse_args()
    kernel = "/boot/" + sorted(f for f in os.listdir("/boot") if f.startswith("vmlinuz-"))[-1]
    for loop in arguments.loops:
        script = ["/app/bench.py", loop]
        unikernel = boot.qemu_command("qemu/x86_64", arguments.image, arguments.memory,
                                      boot.app_command_line(script), arguments.initrd)
        if arguments.side in ("uni", "both"):
            line("uni", loop, counts(unikernel, arguments.plugin, []))
        if arguments.linux_initrd and arguments.side in ("linux", "both"):
            guest = python_guest.Guest(kernel, arguments.linux_initrd, arguments.memory)
            line("linux", loop, counts(guest.command(script), arguments.plugin, LINUX_INTERPRETER))


if __name__ == "__main__":
    main()
