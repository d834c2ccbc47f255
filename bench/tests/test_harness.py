"""Unit tests of the harness's own logic (no QEMU, no kraft):
python3 -m unittest discover -s bench/tests"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import boot, boots, launch, memory, report, stats, toolchain  # noqa: E402


class ConsoleTests(unittest.TestCase):
    def test_first_app_line_skips_kernel_lines(self):
        data = b"[warn] clock slow\nHello\n"
        self.assertEqual(boot._first_app_line_offset(data), len(b"[warn] clock slow\n"))

    def test_an_incomplete_line_is_not_yet_a_line(self):
        self.assertIsNone(boot._first_app_line_offset(b"Hel"))

    def test_exit_status_line_is_the_kernels(self):
        result = boot.Boot(3, "Hi\n\nkraft: exit status 1\n", 1, 2, False, "")
        self.assertEqual(result.app_lines(), ["Hi"])

    def test_qemu_status_follows_abi(self):
        self.assertEqual(boot.qemu_status("qemu/x86_64", 0), 3)
        self.assertEqual(boot.qemu_status("fc/x86_64", 3), 9)
        self.assertEqual(boot.qemu_status("qemu/arm64", 0), 1)

    def test_qemu_command_matches_kraft_run(self):
        command = boot.qemu_command("fc/x86_64", "/i", 64, boot.app_command_line(["a b"]))
        self.assertEqual(command[:3], ["qemu-system-x86_64", "-M", "microvm"])
        self.assertEqual(command[-2:], ["-append", '-- "a b"'])

    def test_the_kraftfile_env_goes_before_the_app_arguments(self):
        line = boot.app_command_line([], [("GREETING", "hello there"), ("ANSWER", "42")])
        self.assertEqual(line, '"env.GREETING=hello there" env.ANSWER=42 --')
        self.assertIsNone(boot.app_command_line([], ()))


class MemoryTests(unittest.TestCase):
    def test_bisect_finds_the_boundary(self):
        for boundary in (1, 2, 3, 17, 64):
            smallest, probes = memory.bisect(lambda mib: mib >= boundary, 0, 64)
            self.assertEqual(smallest, boundary)
            self.assertLessEqual(probes, 6)


    def test_sizes_are_64_kib_steps_in_qemu_units(self):
        self.assertEqual(memory.qemu_size(18), "1152K")
        self.assertEqual(launch.kraft_run_mib("1152K"), "2")
        self.assertEqual(launch.kraft_run_mib(64), "64")


class GuestClockTests(unittest.TestCase):
    def test_kernel_argument_goes_before_the_app_arguments(self):
        command = boot.qemu_command("qemu/x86_64", "/i", 64, boot.app_command_line(["a"]))
        changed = boots.with_kernel_argument(command, "loglevel=info")
        self.assertEqual(changed[-2:], ["-append", "loglevel=info -- a"])
        bare = boots.with_kernel_argument(boot.qemu_command("qemu/x86_64", "/i", 64), "x")
        self.assertEqual(bare[-2:], ["-append", "x"])

    def test_main_reached_line_is_read(self):
        line = "[info] kraft: main reached 1234567 ns after the first instruction"
        self.assertEqual(boots.MAIN_REACHED.search(line).group(1), "1234567")


class StatsTests(unittest.TestCase):
    def test_figure_quotes_the_median(self):
        figure = stats.figure("g", "s", "t", "n", "ms", [3, 1, 2, 10])
        self.assertEqual((figure["min"], figure["median"], figure["max"]), (1, 2.5, 10))
        self.assertEqual(figure["runs"], 4)

    def test_reason_prefers_error_lines(self):
        self.assertEqual(stats.first_line("[1/2] CC x\nerror: no\nmore"), "error: no")

    def test_reason_skips_progress_lines_naming_files(self):
        text = "[1/9] CC musl src/errno/strerror.c\nninja: fatal: posix_spawn: E2BIG\n"
        self.assertEqual(stats.first_line(text), "ninja: fatal: posix_spawn: E2BIG")

    def test_fewer_runs_for_long_builds(self):
        self.assertEqual(toolchain.runs_for(2.0, 5), 5)
        self.assertEqual(toolchain.runs_for(60.0, 5), 2)


class ReportTests(unittest.TestCase):
    def test_reads_kraft_size_report(self):
        text = (
            "image /x\n  file size:            21392 bytes\n  with debug info:      1 bytes\n"
            "  loaded sections:      104 bytes\n    arch-x86_64  93\n    app          11\n"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".report", delete=False) as file:
            file.write(text)
        try:
            libraries, loaded = toolchain.read_report(file.name)
        finally:
            os.unlink(file.name)
        self.assertEqual(loaded, 104)
        self.assertEqual(libraries, {"arch-x86_64": 93, "app": 11})

    def test_unavailable_rows_of_one_subject_collapse(self):
        figures = [
            stats.unavailable("toolchain", "musl-env", "all", "a", "no fetch"),
            stats.unavailable("image", "musl-env", "all", "b", "no fetch"),
            stats.figure("image", "hello", "qemu/x86_64", "size", "bytes", [1]),
        ]
        table = report.render_table(figures)
        self.assertIn("(2 figures)", table)
        self.assertIn("unavailable: no fetch", table)
        self.assertIn("1 B", table)


if __name__ == "__main__":
    unittest.main()


class PosixProbeTests(unittest.TestCase):
    from harness import posix_probes as probes

    def test_sections_leave_kernel_lines_out_and_keep_exit_statuses(self):
        console = (
            "=== a\nline\n\n--- exit 0\n"
            "=== b\n[warn] syscall 'fork' (57) is not implemented: returning -ENOSYS\nno newline"
            "\n--- exit 3\n=== end\n"
        )
        sections = self.probes.guest_sections(console)
        self.assertEqual(sections["a"], self.probes.Outcome("line\n", 0))
        self.assertEqual(sections["b"], self.probes.Outcome("no newline", 3))
        self.assertNotIn("end", sections)

    def test_a_probe_that_ends_the_program_takes_the_boots_status(self):
        sections = self.probes.guest_sections("=== abort\nbefore abort\n", status=134)
        self.assertEqual(sections["abort"], self.probes.Outcome("before abort\n", 134))
        self.assertEqual(self.probes.guest_sections("=== abort\nbefore abort\n"), {})

    def test_compare_counts_identical_documented_enosys_and_differing(self):
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "probes"))
            sources = {
                "same": "int main(void) { return 0; }\n",
                "fork": '/* probe: enosys "fork failed: Function not implemented" */\n',
                "other": "/* probe: alone */\n",
            }
            for name, text in sources.items():
                with open(os.path.join(folder, "probes", name + ".c"), "w") as file:
                    file.write(text)
            Outcome = self.probes.Outcome
            host = {"same": Outcome("x\n", 0), "fork": Outcome("child\n", 0), "other": Outcome("y\n", 1)}
            guest = {
                "same": Outcome("x\n", 0),
                "fork": Outcome("fork failed: Function not implemented\n", 0),
                "other": Outcome("y\n", 2),
            }
            names = self.probes.probe_names(folder)
            self.assertEqual(names, ["fork", "other", "same"])
            self.assertTrue(self.probes.alone(folder, "other"))
            self.assertEqual(
                self.probes.compare(folder, names, host, guest), (["same"], ["fork"], ["other"])
            )
