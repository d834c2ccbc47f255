"""The guest's and the host's shares of one request's round trip at one connection, from QEMU's
own timestamped trace events (`-msg timestamp=on`): the main loop filling the receive ring
(`virtqueue_flush` on the queue the guest never kicks) to the guest's kick of the transmit
queue (`virtio_queue_notify`) is the guest's time (its idle poll finds the frame, lwIP and
nginx answer); that kick to the next receive is the host's (QEMU's transmit bottom half, the
tap, the host's TCP and wrk). Boots each kraft nginx project (built as for nginx_profile.py)
on the bench's tap and drives the page with `wrk -c1` for 3 s.

  python3 nginx_gap.py PROJECT [PROJECT...] [--rt]

--rt runs QEMU and wrk under `chrt -f 10`, so that other work on the machine decides the
figures less (they are wall-clock times; compare images alternated in one run). Needs root."""

import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http  # noqa: E402
from profile import built_image  # noqa: E402

TRACED = re.compile(r"^\d+@(\d+)\.(\d+):(virtqueue_flush|virtio_queue_notify) .*vq (0x[0-9a-f]+)")


def shares(lines):
    """([receive-to-kick us], [kick-to-next-receive us]) from the trace's lines."""
    events = []
    for line in lines:
        traced = TRACED.match(line)
        if traced:
            seconds, micros, event, queue = traced.groups()
            events.append((int(seconds) * 1e6 + int(micros), event, queue))
    kicked = {queue for _, event, queue in events if event == "virtio_queue_notify"}
    guest, host, received, kick = [], [], None, None
    for at, event, queue in events:
        if event == "virtqueue_flush" and queue not in kicked:
            if kick is not None:
                host.append(at - kick)
                kick = None
            received = at
        elif event == "virtio_queue_notify" and received is not None:
            guest.append(at - received)
            received, kick = None, at
    return guest, host


def summary(values):
    if len(values) < 2:
        return "too few requests"
    low, _, high = statistics.quantiles(values, n=4)
    return f"median {statistics.median(values):.0f} us (quartiles {low:.0f}-{high:.0f}, mean {statistics.mean(values):.0f})"


def main():
    realtime = ["chrt", "-f", "10"] if "--rt" in sys.argv[1:] else []
    projects = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not projects:
        raise SystemExit(__doc__)
    folder = tempfile.mkdtemp(prefix="nginx-gap-")
    events, log = os.path.join(folder, "events"), os.path.join(folder, "trace.log")
    with open(events, "w") as f:
        f.write("virtqueue_flush\nvirtio_queue_notify\n")
    with http.Namespace(f"nginx-gap-{os.getpid()}") as namespace:
        for project in projects:
            image, initrd, _ = built_image(project)
            command = http.unikernel_command(image, http.MEMORY_MIB, namespace.tap)
            at = command.index("-append")
            command = realtime + command[:at] + ["-initrd", initrd, "-trace", f"events={events}", "-D", log,
                                                 "-msg", "timestamp=on"] + command[at:]
            with http.Guest(command) as guest:
                if not guest.start(within_s=180):
                    raise SystemExit(f"{project}: no answer within 180 s")
                start = os.path.getsize(log)
                done = subprocess.run(realtime + ["wrk", "--latency", "-t1", "-c1", "-d3s",
                                                  f"http://{http.GUEST}:{http.PORT}/"], capture_output=True, text=True)
            rate = http.parse_wrk(done.stdout)["requests_per_s"]
            with open(log, errors="replace") as lines:
                lines.seek(start)
                guest_us, host_us = shares(lines)
            os.unlink(log)
            print(f"{project}: {rate:.0f} req/s traced; receive to kick (the guest) {summary(guest_us)}; "
                  f"kick to the next receive (the host) {summary(host_us)}; {len(guest_us)} requests", flush=True)


if __name__ == "__main__":
    main()
