"""Unit tests of the harness's own logic (no QEMU, no kraft):
python3 -m unittest discover -s bench/tests"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import boot, boots, launch, memory, report, stats, toolchain  # noqa: E402


class OutputComparisonTests(unittest.TestCase):
    def test_numbers_that_vary_do_not_fail_a_run(self):
        reference = ["time() says 2026-12-02 15:59:23 UTC", "slept: yes"]
        later = ["time() says 2026-12-02 16:00:01 UTC", "slept: yes"]
        self.assertTrue(launch.same_output(later, reference))

    def test_other_words_or_other_lines_fail_a_run(self):
        reference = ["time() says 2026-12-02 15:59:23 UTC", "slept: yes"]
        self.assertFalse(launch.same_output(["time() says 2026-12-02 15:59:23 UTC", "slept: no"], reference))
        self.assertFalse(launch.same_output(reference[:1], reference))
        self.assertFalse(launch.same_output(reference + ["panic"], reference))

    def test_success_needs_the_status_and_the_fixed_output(self):
        launcher = launch.Launcher(["true"], 3, "qemu")
        good = boot.Boot(3, "took 12 ms\n", 1, 2, False, "")
        self.assertTrue(launcher.succeeded(good, ["took 7 ms"]))
        self.assertFalse(launcher.succeeded(boot.Boot(5, "took 12 ms\n", 1, 2, False, ""), ["took 7 ms"]))
        self.assertFalse(launcher.succeeded(good, ["took 7 s"]))


class BootFigureTests(unittest.TestCase):
    """measure_project over stand-in 'machines': Python processes that print like a boot."""

    def test_every_boot_figure_is_paired_with_the_floor(self):
        program = [sys.executable, "-c", "print('Hello 1')"]
        fake = launch.Launcher(program, 0, "qemu")
        originals = launch.for_project, launch.for_image
        launch.for_project = lambda *args, **kwargs: fake
        launch.for_image = lambda *args, **kwargs: fake
        try:
            project = type("Project", (), {"name": "hello"})()
            figures = boots.measure_project(None, project, "fc/x86_64", 2, "/floor")
        finally:
            launch.for_project, launch.for_image = originals
        measured = {f["name"]: f for f in figures if "median" in f}
        for name in boots.NAMES:
            self.assertEqual(measured[name]["runs"], 2)
            self.assertEqual(measured[f"QEMU floor: {name}"]["runs"], 2)
            self.assertEqual(measured[f"{name}, over the floor"]["runs"], 2)
        self.assertGreater(measured["QEMU CPU time (user + system)"]["median"], 0)


class ConsoleTests(unittest.TestCase):
    def test_first_app_line_skips_kernel_lines(self):
        data = b"[warn] clock slow\nHello\n"
        self.assertEqual(boot._first_app_line_offset(data), len(b"[warn] clock slow\n"))

    def test_an_incomplete_line_is_not_yet_a_line(self):
        self.assertIsNone(boot._first_app_line_offset(b"Hel"))

    def test_exit_status_line_is_the_kernels(self):
        result = boot.Boot(3, "Hi\n\nkraft: exit status 1\n", 1, 2, False, "")
        self.assertEqual(result.app_lines(), ["Hi"])

    def test_a_boot_reports_its_cpu_time(self):
        # A child that burns CPU for a while: wait4's rusage gives it, the wall clock more.
        result = boot.boot_once([sys.executable, "-c", "sum(range(3_000_000)); print('done')"], 30)
        self.assertEqual(result.status, 0)
        self.assertEqual(result.app_lines(), ["done"])
        self.assertGreater(result.cpu_ns, 0)
        self.assertLessEqual(result.cpu_ns, result.exit_ns * 2)  # at most both cores' worth

    def test_a_failing_boot_keeps_its_status(self):
        result = boot.boot_once([sys.executable, "-c", "import sys; sys.exit(7)"], 30)
        self.assertEqual(result.status, 7)

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


    def test_the_floor_is_bisected_once_per_target(self):
        calls = []

        def fake(image, subject, target, runs):
            calls.append((subject, target))
            return stats.figure("memory", subject, target, memory.FLOOR_NAME, "KiB", [1088] * runs)

        floors = memory.FloorFigures(3, measure=fake)
        first = floors.figure("/floor", "helloworld", "qemu/x86_64")
        again = floors.figure("/floor", "musl-env", "qemu/x86_64")
        other = floors.figure("/floor", "musl-env", "fc/x86_64")
        self.assertEqual(calls, [("helloworld", "qemu/x86_64"), ("musl-env", "fc/x86_64")])
        self.assertNotIn("measured_with", first)
        self.assertEqual((again["subject"], again["measured_with"], again["median"]), ("musl-env", "helloworld", 1088))
        self.assertEqual(first["subject"], "helloworld")
        self.assertNotIn("measured_with", other)
        self.assertIn("measured once, with helloworld", report._note(again))

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
        self.assertEqual(bare[-2:], ["-append", "x --"])
        apps_only = boots.with_kernel_argument(["qemu", "-append", "a b"], "x")
        self.assertEqual(apps_only, ["qemu", "-append", "x -- a b"])

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


class SuiteTests(unittest.TestCase):
    def test_later_examples_get_fewer_boots_and_one_bisection(self):
        import argparse
        import run

        arguments = argparse.Namespace(boot_runs=20, memory_runs=3, later_boot_runs=10, later_memory_runs=1)
        self.assertEqual(run.example_runs(arguments, True), (20, 3))
        self.assertEqual(run.example_runs(arguments, False), (10, 1))
        arguments.boot_runs = arguments.memory_runs = 2
        self.assertEqual(run.example_runs(arguments, False), (2, 1))


class RuntimeTests(unittest.TestCase):
    from harness import runtime

    def measured(self, host, guest, tcg_host=None):
        """Every benchmark with the same samples, compute's own given apart; the x86_64 host
        under qemu-x86_64 takes `tcg_host` (else the native host's samples)."""
        tcg_host = host if tcg_host is None else tcg_host
        rows = {
            name: {"host": (host, None), "tcg host": (tcg_host, None), "unikernel": (guest, None)}
            for name, _ in self.runtime.BENCHMARKS
        }
        rows["compute"] = {"host": ([1.0, 1.0], None), "tcg host": ([4.0, 4.0], None), "unikernel": ([2.0, 2.0], None)}
        return rows

    def test_the_arm64_host_side_runs_under_user_mode_qemu(self):
        arm64, x86 = self.runtime.ARM64, self.runtime.X86_64
        self.assertEqual(arm64.host_command("/b", ["fileread", "/d"]), ["qemu-aarch64", "/b", "fileread", "/d"])
        self.assertEqual(x86.host_command("/b", ["syscall"]), ["/b", "syscall"])
        self.assertEqual(x86.host_command("/b", ["syscall"], ("qemu-x86_64",)), ["qemu-x86_64", "/b", "syscall"])
        self.assertEqual(arm64.host_sides(), [("host", ("qemu-aarch64",), "arm64 ")])
        self.assertIn("under qemu-aarch64", arm64.describe_host())
        self.assertEqual(arm64.target, "qemu/arm64")

    def test_each_architecture_is_normalised_by_its_own_compute_ratio(self):
        figures = self.runtime._figures(self.measured([10.0, 10.0], [5.0, 5.0]), self.runtime.ARM64)
        by_key = {(f["subject"].split(":")[0], f["target"], f["name"]): f for f in figures}
        self.assertEqual(by_key[("syscall", "arm64 ratio", "unikernel / host")]["median"], 0.5)
        self.assertEqual(by_key[("syscall", "arm64 ratio", "unikernel / host, per compute ratio")]["median"], 0.25)
        self.assertEqual(by_key[("compute", "arm64 ratio", "unikernel / host")]["median"], 2.0)
        self.assertNotIn(("compute", "arm64 ratio", "unikernel / host, per compute ratio"), by_key)
        self.assertEqual({f["target"] for f in figures}, {"arm64 host", "arm64 unikernel", "arm64 ratio"})

    def test_x86_64_rows_keep_their_names_and_add_the_tcg_host_rows(self):
        figures = self.runtime._figures(self.measured([10.0], [5.0]), self.runtime.X86_64)
        self.assertEqual({f["target"] for f in figures}, {"host", "unikernel", "ratio", "tcg host", "tcg ratio"})
        unikernel = [f for f in figures if f["target"] == "unikernel" and f["subject"].startswith("syscall:")]
        self.assertEqual(len(unikernel), 1)
        tcg = [f for f in figures if f["target"] == "tcg host"]
        self.assertTrue(all("under qemu-x86_64" in f["host_side"] for f in tcg))

    def test_the_tcg_host_rows_are_normalised_by_their_own_compute_ratio(self):
        figures = self.runtime._figures(self.measured([10.0, 10.0], [5.0, 5.0], [20.0, 20.0]), self.runtime.X86_64)
        by_key = {(f["subject"].split(":")[0], f["target"], f["name"]): f for f in figures}
        self.assertEqual(by_key[("syscall", "ratio", "unikernel / host, per compute ratio")]["median"], 0.25)
        self.assertEqual(by_key[("syscall", "tcg ratio", "unikernel / host")]["median"], 0.25)
        # compute: unikernel 2.0 against qemu-x86_64's 4.0, so x0.5 to divide by
        self.assertEqual(by_key[("syscall", "tcg ratio", "unikernel / host, per compute ratio")]["median"], 0.5)
        self.assertEqual(by_key[("syscall", "tcg host", "time per operation")]["median"], 20.0)

    def test_a_tcg_host_that_cannot_run_leaves_the_native_rows(self):
        rows = self.measured([10.0], [5.0])
        for name in rows:
            rows[name]["tcg host"] = ([], "qemu-x86_64 not found (apt-get install qemu-user)")
        figures = self.runtime._figures(rows, self.runtime.X86_64)
        tcg = [f for f in figures if f["target"].startswith("tcg ")]
        self.assertTrue(tcg and all(f.get("unavailable", "").startswith("qemu-x86_64 not found") for f in tcg))
        self.assertTrue(all("unavailable" not in f for f in figures if not f["target"].startswith("tcg ")))

    def test_a_side_that_cannot_run_is_unavailable_with_its_reason(self):
        rows = self.measured([10.0], [5.0])
        rows["thread"]["unikernel"] = ([], "the musl unikernel does not build for qemu/arm64: error: x")
        figures = self.runtime._figures(rows, self.runtime.ARM64)
        thread = [f for f in figures if f["subject"].startswith("thread:")]
        self.assertEqual(len(thread), 3)
        self.assertEqual(
            [f["unavailable"] for f in thread if f["target"] != "arm64 host"],
            ["the musl unikernel does not build for qemu/arm64: error: x"] * 2,
        )

    def test_a_missing_user_mode_qemu_is_a_reason(self):
        self.assertIn("no-such-qemu-user not found", self.runtime.missing_emulator(("no-such-qemu-user",)))
        self.assertIsNone(self.runtime.missing_emulator(()))

    def test_a_missing_cross_compiler_is_a_reason_not_a_crash(self):
        missing = self.runtime.Architecture("arm64", "qemu/arm64", "no-such-cross-gcc", ("qemu-aarch64",))
        with tempfile.TemporaryDirectory() as folder:
            binary, reason = self.runtime.build_host(folder, folder, missing)
        self.assertIsNone(binary)
        self.assertIn("no-such-cross-gcc not found", reason)

    def test_an_unbuilt_project_passes_its_reason_on(self):
        self.assertEqual(self.runtime.build_unikernel(None, "kraft fetch fails: x", "qemu/arm64"),
                         (None, "kraft fetch fails: x"))


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
