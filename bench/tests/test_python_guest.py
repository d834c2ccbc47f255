import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import linux_guest, python_guest  # noqa: E402

LDD = """\tlinux-vdso.so.1 (0x00007ffd6a5f2000)
\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f202ccf2000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f202cac6000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f202cde6000)
"""


class PythonGuestTests(unittest.TestCase):
    def test_shared_libraries_are_ldds_files_without_the_vdso(self):
        self.assertEqual(python_guest.shared_libraries(LDD + LDD), [
            "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2",
        ])

    def test_module_files_are_the_stdlibs_after_the_marker(self):
        output = "\n".join([
            "/usr/lib/python3.11/printed-by-the-script.py",
            python_guest.MODULES_BEGIN,
            "/usr/lib/python3.11/re/__init__.py",
            "/usr/lib/python3/dist-packages/_distutils_hack/__init__.py",
            "/app/bench.py",
            "/usr/lib/python3.11/lib-dynload/_typing.cpython-311-x86_64-linux-gnu.so",
            "/usr/lib/python3.11/re/__init__.py",
        ])
        self.assertEqual(python_guest.module_files(output, "/usr/lib/python3.11/"), [
            "/usr/lib/python3.11/lib-dynload/_typing.cpython-311-x86_64-linux-gnu.so",
            "/usr/lib/python3.11/re/__init__.py",
        ])
        with self.assertRaisesRegex(ValueError, "no marker"):
            python_guest.module_files("Traceback (most recent call last):\nSyntaxError: x", "/usr/lib/python3.11")

    def test_sources_become_sourceless_pyc_in_place(self):
        self.assertEqual(python_guest.guest_path("/usr/lib/python3.11/re/__init__.py"),
                         "/usr/lib/python3.11/re/__init__.pyc")
        self.assertEqual(python_guest.guest_path("/x/lib-dynload/_typing.so"), "/x/lib-dynload/_typing.so")

    def test_parent_directories_come_parents_first_and_once(self):
        self.assertEqual(python_guest.parent_directories(["/usr/lib/a/b.py", "/usr/lib/c.py", "/init"]),
                         ["usr", "usr/lib", "usr/lib/a"])

    def test_init_passes_the_kernels_arguments_to_python_then_powers_off(self):
        script = python_guest.init_script().splitlines()
        self.assertEqual(script[0], "#!/bin/busybox sh")
        self.assertIn('/usr/bin/python3.11 "$@"', script)
        self.assertEqual(script[-1], "/bin/busybox poweroff -f")
        append = python_guest.kernel_append(["/app/bench.py", "nbody"])
        self.assertTrue(append.startswith("console=ttyS0 "))
        self.assertTrue(append.endswith(" -- /app/bench.py nbody"))

    def test_guest_command_is_the_unikernels_qemu_with_debians_kernel(self):
        guest = python_guest.Guest("/boot/vmlinuz-6.1", "/w/initrd.cpio", 64)
        command = guest.command(["/app/main.py"])
        self.assertEqual(command[:3], ["qemu-system-x86_64", "-M", "pc"])
        self.assertEqual(command[command.index("-m") + 1], "64")
        self.assertEqual(command[command.index("-kernel") + 1], "/boot/vmlinuz-6.1")
        self.assertEqual(command[command.index("-initrd") + 1], "/w/initrd.cpio")
        self.assertNotIn("-smp", command)
        self.assertNotIn("-accel", command)
        self.assertTrue(command[command.index("-append") + 1].endswith("-- /app/main.py"))

    def test_archive_has_every_parent_before_its_files(self):
        files = [("/usr/lib/python3.11/os.pyc", b"PYC", 0o644), ("/usr/bin/python3.11", b"ELF", 0o755)]
        entries = python_guest.archive_entries(b"BB", files, "#!/bin/busybox sh\n",
                                               ["/usr/lib/python3.11/lib-dynload"])
        names = linux_guest.read_cpio_names(linux_guest.cpio_newc(entries))
        for path in ("usr/lib/python3.11/os.pyc", "usr/bin/python3.11", "bin/busybox", "init", "dev/console",
                     "dev/urandom"):
            self.assertIn(path, names)
            parent = os.path.dirname(path)
            if parent:
                self.assertLess(names.index(parent), names.index(path), path)
        modes = {path: mode for path, mode, _, _ in entries}
        self.assertEqual(modes["usr/bin/python3.11"], stat.S_IFREG | 0o755)
        self.assertTrue(stat.S_ISDIR(modes["tmp"]))
        self.assertTrue(stat.S_ISDIR(modes["usr/lib/python3.11/lib-dynload"]))


if __name__ == "__main__":
    unittest.main()
