"""How the harness boots a project's image: QEMU directly, with kraft run's command line,
or `kraft run` itself when the image needs what only kraft knows how to pass (an initrd)."""

import os
import re
from dataclasses import dataclass

from . import boot


@dataclass
class Launcher:
    command: list
    expected_status: int
    method: str
    cwd: str = None
    env: dict = None

    def boot(self, timeout_s):
        return boot.boot_once(self.command, timeout_s, cwd=self.cwd, env=self.env)

    def succeeded(self, result, reference_lines=None):
        if result.timed_out or result.status != self.expected_status:
            return False
        return reference_lines is None or same_output(result.app_lines(), reference_lines)


def same_output(lines, reference_lines):
    """Whether a boot printed what the reference boot did, in what does not vary between
    correct runs: the same lines with the same words, numbers aside. A number may be a
    time (musl-time prints the date and what it measured), so it is not compared; a boot
    that fails prints other words or other lines, or exits with another status."""
    return len(lines) == len(reference_lines) and all(
        _fixed_part(line) == _fixed_part(reference) for line, reference in zip(lines, reference_lines)
    )


def _fixed_part(line):
    return re.sub(r"\d+", "#", line)


def for_image(target, image, memory_mib, cmd=None, initrd=None, env=()):
    """QEMU started directly; success is the status of an app that returned 0."""
    command = boot.qemu_command(target, image, memory_mib, boot.app_command_line(cmd, env), initrd)
    return Launcher(command, boot.qemu_status(target, 0), "qemu")


def for_project(kraft, project, target, memory_mib, cmd=None):
    """The image with its initrd (`kraft build` writes `<name>.initrd` for a rootfs) under
    QEMU; `kraft run` itself when a rootfs exists but its initrd is not where expected."""
    cmd = project.cmd if cmd is None else cmd
    if project.rootfs:
        initrd = os.path.join(project.outdir, project.name + ".initrd")
        if os.path.exists(initrd):
            launcher = for_image(target, project.image(target), memory_mib, cmd, initrd, project.env)
            launcher.method = "qemu -initrd"
            return launcher
        command = [kraft.binary, "run", "-W", "-t", target, "-M", kraft_run_mib(memory_mib), "--"] + cmd
        return Launcher(command, 0, "kraft run", cwd=project.directory, env=kraft.env)
    return for_image(target, project.image(target), memory_mib, cmd, env=project.env)


def kraft_run_mib(size):
    """kraft run's -M takes whole MiB: a QEMU size in K ("1152K") is rounded up."""
    text = str(size)
    if text.endswith("K"):
        return str(-(-int(text[:-1]) // 1024))
    return text


def failure_reason(result, launcher):
    if result.timed_out:
        return "the boot timed out"
    text = (result.errors.strip() or result.output.strip()).splitlines()
    detail = text[-1][:160] if text else "no output"
    return f"{launcher.method} exited with {result.status}, expected {launcher.expected_status}: {detail}"


def describe(launcher):
    return " ".join(os.path.basename(word) if os.path.isabs(word) else word for word in launcher.command)
