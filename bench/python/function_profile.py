"""Where a Python bench loop's guest instructions go, per C function, exactly and whatever the
host's load: runs `bench.py LOOP` (warm-up and timed round) in each unikernel image given
under `-icount shift=0` (the timed round's reported nanoseconds are then its guest
instructions) and tbexits.so (bench/insn-profile), and prints per image the timed round's
instructions, the whole run's, its returns and jump-cache misses (`jmpmiss`) per 1,000
instructions; with two images, the functions whose instructions differ most between them
(issue 16: what ThinLTO's inlining moved, and where it cost).

  cc -O2 -shared -fPIC -o /tmp/tbexits.so bench/insn-profile/tbexits.c
  python3 bench/python/function_profile.py --initrd APP/.unikraft/build/app.initrd \\
      --image A=APP/.unikraft/build/app_qemu-x86_64 --image B=OTHER/app_qemu-x86_64 fannkuch

An image's functions are read from its `.dbg` file beside it (`nm`); a block is counted in
the function its first instruction lies in. Functions ThinLTO promoted (`name.llvm.N`) are
reported under their source name, so both images' figures line up."""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import boot  # noqa: E402
from symbol_order import Functions  # noqa: E402

PROMOTED = re.compile(r"\.llvm\.\d+$")


def run(image, initrd, plugin, loop, memory):
    """(the plugin's counters, the timed round's instructions, {function: instructions}),
    remembered beside the image (`IMAGE.LOOP.profile.json`): a run is exact, so one is enough."""
    saved = f"{image}.{loop}.profile.json"
    if os.path.exists(saved) and os.path.getmtime(saved) > os.path.getmtime(image):
        counts, timed, per_function = json.load(open(saved))
        return counts, timed, collections.Counter(per_function)
    folder = tempfile.mkdtemp(prefix="function-profile-")
    paths = {name: os.path.join(folder, name) for name in ("out", "blocks")}
    command = boot.qemu_command("qemu/x86_64", image, memory,
                                boot.app_command_line(["/app/bench.py", loop], env=[("PYTHONHASHSEED", "0")]),
                                initrd)
    command += ["-icount", "shift=0,sleep=off", "-rtc", "base=2026-01-01T00:00:00,clock=vm"]
    command += ["-plugin", ",".join([plugin] + [f"{name}={path}" for name, path in paths.items()])]
    done = subprocess.run(command, capture_output=True, text=True, timeout=7200)
    timed = re.search(rf"bench {loop} 1 iterations (\d+) ns", done.stdout)
    if not timed or not os.path.exists(paths["out"]):
        raise SystemExit(f"{loop}: no bench line or no counts (QEMU exited {done.returncode}): "
                         f"{(done.stdout + done.stderr)[-600:]}")
    fields = open(paths["out"]).read().split()
    counts = dict(zip(fields[::2], map(int, fields[1::2])))
    functions = Functions(image + ".dbg")
    per_function = collections.Counter()
    for line in open(paths["blocks"]):
        vaddr, insns, execs = line.split()
        name = functions.of(int(vaddr, 16)) or "?"
        per_function[PROMOTED.sub("", name)] += int(insns) * int(execs)
    json.dump([counts, int(timed.group(1)), per_function], open(saved, "w"))
    return counts, int(timed.group(1)), per_function


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("loops", nargs="+")
    options.add_argument("--image", action="append", required=True, help="NAME=PATH of an image (one or two)")
    options.add_argument("--initrd", required=True)
    options.add_argument("--plugin", default="/tmp/tbexits.so")
    options.add_argument("--memory", type=int, default=256)
    options.add_argument("--top", type=int, default=25)
    arguments = options.parse_args()
    images = [tuple(given.split("=", 1)) for given in arguments.image]
    for loop in arguments.loops:
        profiles = []
        for name, image in images:
            counts, timed, per_function = run(image, arguments.initrd, arguments.plugin, loop, arguments.memory)
            per = lambda field: 1000 * counts[field] / counts["insns"]
            print(f"{loop:14} {name:12} timed round {timed / 1e6:8.1f} M insns, run {counts['insns'] / 1e6:8.1f} M,"
                  f" ret {per('returns'):5.1f}, lookups {per('indirect') + per('crosspage'):5.1f},"
                  f" jmpmiss {counts['jmpmiss'] / 1e6:6.2f} M per 1,000: {per('jmpmiss'):5.2f}", flush=True)
            profiles.append(per_function)
        if len(profiles) == 2:
            first, second = profiles
            names = set(first) | set(second)
            moved = sorted(names, key=lambda n: -abs(second[n] - first[n]))[:arguments.top]
            print(f"  {'function':40} {images[0][0]:>12} {images[1][0]:>12} {'change':>10}")
            for function in moved:
                print(f"  {function[:40]:40} {first[function] / 1e6:11.2f}M {second[function] / 1e6:11.2f}M"
                      f" {(second[function] - first[function]) / 1e6:+9.2f}M")


if __name__ == "__main__":
    main()
