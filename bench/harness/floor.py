"""QEMU's floor: the boot time of a stub that prints one line and exits (bench/floor/), built
here with clang and ld.lld. A kraft image's boot time is read against this figure."""

import os
import shutil

from . import process

SWIFT_TOOLS = "/opt/swift/usr/bin"

# The floor image for each target: the x86 stub boots by Multiboot (pc) and PVH (microvm).
SOURCES = {
    "x86_64": ("floor-x86.S", "floor-x86.ld", "i386-unknown-none-elf"),
    "arm64": ("floor-arm64.S", "floor-arm64.ld", "aarch64-unknown-none-elf"),
}


def find_tool(name):
    """PATH first, then the Swift toolchain's folder, as kraft does."""
    found = shutil.which(name)
    if found:
        return found
    candidate = os.path.join(SWIFT_TOOLS, name)
    return candidate if os.access(candidate, os.X_OK) else None


def build_floor_images(source_folder, output_folder):
    """Returns {architecture: image path or an error text}."""
    clang, lld = find_tool("clang"), find_tool("ld.lld")
    images = {}
    os.makedirs(output_folder, exist_ok=True)
    for architecture, (source, script, triple) in SOURCES.items():
        if not clang or not lld:
            images[architecture] = "clang or ld.lld not found (apt-get install clang lld)"
            continue
        obj = os.path.join(output_folder, f"floor-{architecture}.o")
        image = os.path.join(output_folder, f"floor-{architecture}")
        compiled = process.run(
            [clang, f"--target={triple}", "-c", os.path.join(source_folder, source), "-o", obj]
        )
        linked = compiled.status == 0 and process.run(
            [lld, "-T", os.path.join(source_folder, script), obj, "-o", image]
        )
        if compiled.status != 0 or linked.status != 0:
            failed = compiled if compiled.status != 0 else linked
            images[architecture] = f"the floor image does not build: {failed.output.strip()[:300]}"
        else:
            images[architecture] = image
    return images
