import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from harness import cache  # noqa: E402


class CacheHarnessTests(unittest.TestCase):
    def test_counts_come_from_the_build_summary(self):
        output = "[12/12] LD app\ncompiled 1387 files (cached 1375, remote 3), linked 1 images\n"
        self.assertEqual(cache.counts(output), (1387, 1375, 3))

    def test_ports_reused_whole_follow_the_counts(self):
        output = "compiled 54 files (cached 54, remote 0), reused musl (1342 objects), linked 1 images\n"
        self.assertEqual(cache.counts(output), (54, 54, 0, "musl (1342 objects)"))

    def test_a_build_without_a_cache_has_no_counts(self):
        self.assertIsNone(cache.counts("compiled 12 files, linked 1 images\n"))


if __name__ == "__main__":
    unittest.main()
