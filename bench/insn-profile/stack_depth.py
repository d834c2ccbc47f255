"""How deep Redis's deepest scripts reach into main's stack, from a dump of guest RAM.

Boots a kraft Redis image (`kraft init --template redis`, built for qemu/x86_64) on the bench's
tap network with QEMU's monitor, runs the deepest recursions a client can ask for (cjson
encoding and decoding at their limit of 1000 levels, Lua's `pcall` nested until Lua says "C
stack overflow", and both combined with a `KEYS` pattern of 1000 stars), then dumps guest RAM
with `pmemsave` (guest physical addresses are virtual ones here) and reports, for every stack
that kthread_arch_run_on_stack started (main's, and any thread's), how far below its top the
lowest non-zero word lies. A stack's top word is the return address into
kthread_arch_run_on_stack; its pages are zero until touched. That depth is what the
template's CONFIG_MUSL_MAIN_STACK_KIB must hold (docs/redis.md, "The floor at 7 MiB").

  python3 stack_depth.py PROJECT

Needs root (the namespace) and redis-cli (Debian's redis-tools)."""

import argparse
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http, redis  # noqa: E402
from profile import Monitor, built_image  # noqa: E402

NESTED_PCALL = "local function f(n) {inner} local ok, e = pcall(f, n + 1) return ok and e or n end return f(0)"
ENCODE = "local t = {} for i = 1, 999 do t = {t} end return #cjson.encode(t)"
DECODE = "#cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))"
SCRIPTS = [
    ENCODE,
    "return " + DECODE,
    NESTED_PCALL.format(inner=""),
    NESTED_PCALL.format(inner="if n == 190 then return " + DECODE + " end"),
    NESTED_PCALL.format(inner="if n == 190 then return (function() " + ENCODE + " end)() end"),
    "redis.call('SET', string.rep('a', 3000), 1) "
    + NESTED_PCALL.format(inner="if n == 190 then return #redis.call('KEYS', string.rep('*a', 1000) .. '*b') end"),
]
# Untouched stack is zero; a run of zeros this long below the deepest frame ends the search.
ZEROS_ENDING_A_STACK = 8192


def return_address(image):
    """The address after kthread_arch_run_on_stack's `call`: the top word of its stacks."""
    lines = subprocess.run(["objdump", "-d", "--no-show-raw-insn", image], capture_output=True, text=True).stdout
    lines = lines.splitlines()
    start = next(at for at, line in enumerate(lines) if line.endswith("<kthread_arch_run_on_stack>:"))
    call = next(at for at in range(start + 1, start + 16) if "call" in lines[at])
    return int(lines[call + 1].split(":")[0], 16)


def depths(ram, top_word):
    """[(top, bytes used below it)] for every page-aligned stack top holding `top_word`."""
    needle, found = struct.pack("<Q", top_word), []
    at = ram.find(needle)
    while at >= 0:
        if (at + 8) % 4096 == 0:
            top = at + 8
            lowest, zeros, word = top, 0, top - 8
            while word > 0 and zeros < ZEROS_ENDING_A_STACK:
                if ram[word:word + 8] == bytes(8):
                    zeros += 8
                else:
                    zeros, lowest = 0, word
                word -= 8
            found.append((top, top - lowest))
        at = ram.find(needle, at + 1)
    return found


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("project")
    options.add_argument("--memory", type=int, default=http.MEMORY_MIB)
    arguments = options.parse_args()
    image, initrd, symbols = built_image(arguments.project)
    work = tempfile.mkdtemp(prefix="stack-depth-")
    dump, monitor_path = os.path.join(work, "ram"), os.path.join(work, "monitor")
    with http.Namespace(f"stack-depth-{os.getpid()}") as namespace:
        command = http.unikernel_command(image, arguments.memory, namespace.tap)
        at = command.index("-append")
        command[at + 1] += " /redis.conf"
        command = command[:at] + ["-initrd", initrd] + command[at:]
        command[command.index("-monitor") + 1] = f"unix:{monitor_path},server=on,wait=off"
        with http.Guest(command, answers=redis.pings) as guest:
            if not guest.start(within_s=180):
                raise SystemExit("no PONG within 180 s")
            monitor = Monitor(monitor_path)
            for script in SCRIPTS:
                done = subprocess.run(["redis-cli", "-h", http.GUEST, "-p", str(redis.PORT), "EVAL", script, "0"],
                                      capture_output=True, text=True, timeout=120)
                print(f"EVAL answered {done.stdout.strip()[:60]!r}")
            if not redis.pings():
                raise SystemExit("the server stopped answering (a stack overflow is on its console)")
            with monitor.lock:
                monitor.connection.sendall(f'pmemsave 0 {arguments.memory << 20:#x} "{dump}"\n'.encode())
                monitor._until_prompt()
    with open(dump, "rb") as file:
        ram = file.read()
    for top, used in depths(ram, return_address(symbols.image)):
        print(f"stack with top {top:#x}: {used} bytes used ({used / 1024:.1f} KiB)")
    os.unlink(dump)


if __name__ == "__main__":
    main()
