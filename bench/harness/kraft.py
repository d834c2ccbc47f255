"""kraft as the harness drives it: building the tool, copying projects, building images."""

import json
import os
import re
import shutil
from dataclasses import dataclass, field

from . import process, stats

PLATFORM_SHORT = {"qemu": "qemu", "firecracker": "fc", "xen": "xen"}
STEP = re.compile(r"^\[(\d+)/(\d+)\] (\S+) ")
COMPILE_STEPS = {"CC", "CXX", "AS"}


class HarnessError(Exception):
    """The harness itself cannot go on (kraft does not build, a tool is missing)."""


@dataclass
class BuildResult:
    completed: process.Completed
    steps: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.completed.status == 0

    @property
    def compiler_invocations(self):
        """Compilations (CC, AS) in ninja's plain progress lines: kraft prints one per step
        when its output is not a terminal."""
        return sum(count for kind, count in self.steps.items() if kind in COMPILE_STEPS)


class Kraft:
    def __init__(self, repository, binary):
        self.repository = repository
        self.binary = binary
        # The tree being measured, whatever folder a project is copied to.
        self.env = {"KRAFT_KERNEL_DIR": os.path.join(repository, "Kernel")}

    @classmethod
    def build_tool(cls, repository, scratch, log):
        """`swift build` of the kraft product in its own scratch path (not timed)."""
        log(f"building kraft (swift build --scratch-path {os.path.relpath(scratch, repository)})")
        # A second try: in a shared working tree a source can change during the build
        # ("was modified during the build"), which a rebuild settles.
        for _ in range(2):
            done = process.run(
                ["swift", "build", "--scratch-path", scratch, "--product", "kraft"],
                cwd=repository,
                timeout=1800,
            )
            if done.status == 0:
                break
        if done.status != 0:
            errors = [line for line in done.output.splitlines() if "error:" in line]
            raise HarnessError("kraft does not build: " + "\n".join(errors[:20] or [done.output[-2000:]]))
        binary = os.path.join(scratch, "debug", "kraft")
        if not os.access(binary, os.X_OK):
            raise HarnessError(f"swift build succeeded but '{binary}' is missing")
        return cls(repository, binary)

    def command(self, arguments, cwd, timeout=900):
        return process.run([self.binary] + arguments, cwd=cwd, env=self.env, timeout=timeout)

    def has_command(self, name):
        """Whether this kraft has a subcommand (kraft fetch is newer than kraft build)."""
        if not hasattr(self, "_help"):
            self._help = self.command(["--help"], cwd=self.repository).output
        return re.search(rf"^  {re.escape(name)}\s", self._help, re.MULTILINE) is not None

    def prepare(self, project):
        """Fetches a project's port sources when this kraft has a separate fetch step, so
        the timed builds measure building, not downloading. None, or why it failed."""
        if not self.has_command("fetch"):
            return None
        done = self.command(["fetch"], cwd=project.directory)
        return None if done.status == 0 else "kraft fetch fails: " + stats.first_line(done.output)

    def build(self, project, jobs=2, targets=(), timeout=900):
        arguments = ["build", "-j", str(jobs)]
        for target in targets:
            arguments += ["-t", target]
        done = self.command(arguments, cwd=project.directory, timeout=timeout)
        steps = {}
        for line in done.output.splitlines():
            match = STEP.match(line)
            if match:
                steps[match.group(3)] = steps.get(match.group(3), 0) + 1
        return BuildResult(done, steps)

    def clean(self, project):
        done = self.command(["clean"], cwd=project.directory)
        if done.status != 0:
            raise HarnessError(f"kraft clean failed in '{project.directory}': {done.output}")

    def describe(self, directory):
        """The normalised project (`kraft validate --output json`)."""
        done = self.command(["validate", "--output", "json"], cwd=directory)
        if done.status != 0:
            raise HarnessError(f"kraft validate failed in '{directory}': {done.output.strip()}")
        start = done.output.find("{")
        return json.loads(done.output[start:])["project"]


@dataclass
class Project:
    """An example copied to a scratch folder, so measuring never touches examples/."""

    name: str
    directory: str
    targets: list
    cmd: list
    outdir: str
    rootfs: str = None
    # The Kraftfile's env: as (name, value) pairs, in order.
    env: tuple = ()

    @classmethod
    def copy(cls, kraft, source, destination, extra_targets=()):
        if os.path.exists(destination):
            shutil.rmtree(destination)
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".unikraft"))
        if extra_targets:
            _add_targets(kraft, destination, extra_targets)
        described = kraft.describe(destination)
        targets = [
            f"{PLATFORM_SHORT.get(t['platform'], t['platform'])}/{t['architecture']}"
            for t in described["targets"]
        ]
        outdir = described.get("outdir") or ".unikraft/build"
        return cls(
            name=described["name"],
            directory=destination,
            targets=targets,
            cmd=described.get("cmd") or [],
            outdir=os.path.join(destination, outdir),
            rootfs=described.get("rootfs"),
            env=tuple((entry["name"], entry["value"]) for entry in described.get("env") or []),
        )

    def image(self, target):
        platform, architecture = target.split("/")
        return os.path.join(self.outdir, f"{self.name}_{platform}-{architecture}")

    def app_sources(self):
        """The app's own C files: touching one is the 'edit one source' rebuild."""
        found = []
        for root, folders, files in os.walk(self.directory):
            folders[:] = [f for f in folders if not f.startswith(".")]
            found += [os.path.join(root, f) for f in sorted(files) if f.endswith(".c")]
        return found


def _add_targets(kraft, directory, targets):
    """Adds list entries under `targets:` after the last one kraft reports, keeping its
    indentation; the Kraftfile is otherwise left as written."""
    described = kraft.describe(directory)
    locations = [t["location"] for t in described["targets"] if "location" in t]
    if not locations:
        raise HarnessError("the Kraftfile lists no targets to add to")
    last = max(locations, key=lambda location: location["line"])
    path = os.path.join(directory, last["file"]) if not os.path.isabs(last["file"]) else last["file"]
    if not os.path.exists(path):
        path = os.path.join(directory, os.path.basename(last["file"]))
    with open(path) as kraftfile:
        lines = kraftfile.readlines()
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    indent = " " * max(0, last["column"] - 3)
    present = {f"{PLATFORM_SHORT.get(t['platform'])}/{t['architecture']}" for t in described["targets"]}
    added = [f"{indent}- {target}\n" for target in targets if target not in present]
    lines[last["line"] : last["line"]] = added
    with open(path, "w") as kraftfile:
        kraftfile.writelines(lines)
