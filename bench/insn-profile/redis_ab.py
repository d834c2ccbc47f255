"""Two (or more) kraft Redis images side by side, wall-clock: each round boots every image in
turn on the bench's tap network and runs redis-benchmark as the bench does (`-c 50 -n
20000*P -P P -t set,get`, P = 1 and 16), so the images share each window of the host's load.
Prints each run's requests/s and the load average beside it; an A/B by hand, not a bench
result (bench/run is what results/ takes).

  flock /work/tools/bench.lock python3 redis_ab.py PROJECT_A PROJECT_B [--rounds 3]

Each PROJECT is a built project's folder (`kraft init --template redis`, built for
qemu/x86_64). Needs root (the namespace) and redis-benchmark (Debian's redis-tools)."""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import http, redis  # noqa: E402
from profile import built_image  # noqa: E402


def serve(project, tap, memory):
    image, initrd, _ = built_image(project)
    command = http.unikernel_command(image, memory, tap)
    at = command.index("-append")
    command[at + 1] += " /redis.conf"
    return command[:at] + ["-initrd", initrd] + command[at:]


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("projects", nargs="+")
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--memory", type=int, default=http.MEMORY_MIB)
    arguments = options.parse_args()
    with http.Namespace(f"redis-ab-{os.getpid()}") as namespace:
        for round_ in range(arguments.rounds):
            for project in arguments.projects:
                with http.Guest(serve(project, namespace.tap, arguments.memory), answers=redis.pings) as guest:
                    if not guest.start(within_s=60):
                        raise SystemExit(f"{project}: no PONG within 60 s")
                    figures = []
                    for pipeline in (1, 16):
                        done = subprocess.run(
                            ["redis-benchmark", "-h", http.GUEST, "-p", str(redis.PORT), "-c", str(redis.CLIENTS),
                             "-n", str(20000 * pipeline), "-P", str(pipeline), "-t", "set,get", "--csv"],
                            capture_output=True, text=True, timeout=600)
                        rates = redis.parse_benchmark_csv(done.stdout)
                        figures.append(f"P{pipeline} SET {rates.get('SET', 0):.0f} GET {rates.get('GET', 0):.0f}")
                load = open("/proc/loadavg").read().split()[0]
                print(f"round {round_ + 1} {os.path.basename(project.rstrip('/')):10} {'  '.join(figures)}"
                      f"  (load {load})", flush=True)


if __name__ == "__main__":
    main()
