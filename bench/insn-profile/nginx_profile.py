"""Guest instructions and QEMU exits per nginx request, exactly and independently of the load.

Boots a kraft nginx image (the bench's site: `kraft init --template nginx`, `listen 8080;`, a
1 MiB file `1m.bin` beside the page, built for qemu/x86_64) under QEMU on the bench's tap
network (bench/harness/http.py's namespace and QEMU command), drives it with wrk from inside
the namespace, and for each run reports per request:

- guest instructions (insnprofile.so, this folder), in all and per symbol of the image's `.dbg`;
- the guest's exits to QEMU and the device's interrupts, from QEMU's own trace events
  (`memory_region_ops_read`/`_write`: every access of the guest to an emulated device, by
  device and offset; `virtio_queue_notify`: a kick; `virtio_notify`: an interrupt to the guest).

  cc -O2 -shared -fPIC -o /tmp/insnprofile.so insnprofile.c -lpthread
  python3 nginx_profile.py PROJECT [--plugin /tmp/insnprofile.so|none] [--no-trace] [--seconds 4]

Needs root (the namespace) and wrk. What the guest runs while idle (timers) is subtracted for
as long as each run took. The counts are wrk's completed requests, so the one request in
flight per connection at the end is not counted (under 0.1 % of a run)."""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http  # noqa: E402
from profile import built_image, instructions, report, snapshot  # noqa: E402

RUNS = (("page, 1 connection", "/", 1), ("1 MiB file, 1 connection", "/1m.bin", 1),
        ("page, 64 connections", "/", 64), ("1 MiB file, 64 connections", "/1m.bin", 64))
EVENTS = ("memory_region_ops_read", "memory_region_ops_write", "virtio_queue_notify", "virtio_notify")
ACCESS = re.compile(r"^(memory_region_ops_(?:read|write)) .*addr (0x[0-9a-f]+) .*name '([^']*)'")


def exits_since(log, offset):
    """({kind: count}, new offset) for the trace lines written since `offset`."""
    counts = collections.Counter()
    with open(log, errors="replace") as lines:
        lines.seek(offset)
        for line in lines:
            access = ACCESS.match(line)
            if access:
                kind, address, device = access.groups()
                counts[f"{device} {kind[len('memory_region_ops_'):]} {address}"] += 1
            else:
                counts[line.split(" ", 1)[0]] += 1
        return counts, lines.tell()


def wrk(path, connections, seconds):
    done = subprocess.run(
        ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         f"http://{http.GUEST}:{http.PORT}{path}"], capture_output=True, text=True, timeout=seconds + 60)
    return http.parse_wrk(done.stdout)


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("project")
    options.add_argument("--plugin", default="/tmp/insnprofile.so")
    options.add_argument("--no-trace", action="store_true", help="count no exits (QEMU runs faster)")
    options.add_argument("--seconds", type=int, default=4)
    options.add_argument("--runs", default="0,1", help="which of RUNS, by index (default: both 1-connection runs)")
    options.add_argument("--top", type=int, default=25)
    arguments = options.parse_args()
    image, initrd, symbols = built_image(arguments.project)
    folder = tempfile.mkdtemp(prefix="nginx-profile-")
    out, log = os.path.join(folder, "profile"), os.path.join(folder, "trace.log")
    counting, tracing = arguments.plugin != "none", not arguments.no_trace

    with http.Namespace(f"nginx-profile-{os.getpid()}") as namespace:
        command = http.unikernel_command(image, http.MEMORY_MIB, namespace.tap)
        at = command.index("-append")
        extra = ["-initrd", initrd]
        if counting:
            extra += ["-plugin", f"{arguments.plugin},out={out}"]
        if tracing:
            events = os.path.join(folder, "events")
            with open(events, "w") as f:
                f.write("\n".join(EVENTS) + "\n")
            extra += ["-trace", f"events={events}", "-D", log]
        command = command[:at] + extra + command[at:]
        with http.Guest(command) as guest:
            if not guest.start(within_s=180):
                raise SystemExit("no answer within 180 s")
            time.sleep(1)
            offset = exits_since(log, 0)[1] if tracing else 0
            previous, began = (snapshot(out) if counting else None), time.time()
            time.sleep(3)
            idle_s = time.time() - began
            idle_per_s = 0
            if counting:
                current = snapshot(out)
                idle_per_s = sum(instructions(previous, current).values()) / idle_s
                previous = current
                print(f"idle: {idle_per_s:.0f} guest instructions per second")
            if tracing:
                idle_exits, offset = exits_since(log, offset)
                print(f"idle: {sum(idle_exits.values()) / idle_s:.0f} trace events per second "
                      + ", ".join(f"{k} {v / idle_s:.0f}" for k, v in idle_exits.most_common(6)))
            for index in (int(i) for i in arguments.runs.split(",")):
                label, path, connections = RUNS[index]
                began = time.time()
                result = wrk(path, connections, arguments.seconds)
                seconds = time.time() - began
                requests = result["requests"]
                title = f"{label} ({result['requests_per_s']:.0f} req/s, {result['errors']} errors)"
                if counting:
                    current = snapshot(out)
                    report(title, instructions(previous, current), requests, symbols, idle_per_s, seconds, arguments.top)
                    previous = current
                else:
                    print(f"{title}: {requests} requests")
                if tracing:
                    exits, offset = exits_since(log, offset)
                    print(f"  per request: {sum(exits.values()) / requests:.2f} trace events")
                    for kind, count in exits.most_common(12):
                        print(f"    {count / requests:8.3f}  {kind}")


if __name__ == "__main__":
    main()
