/* Tests of kcore's string helpers and formatter (kraft/kstring.h, print.h). */
#include <stdbool.h>
#include <stddef.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/ktest.h>
#include <kraft/print.h>

KTEST(string, memmove_handles_overlap)
{
	char buf[] = "abcdefgh";

	kmemmove(buf + 2, buf, 5);
	KT_EXPECT_STR(kt, buf, "ababcdeh");
	kmemmove(buf, buf + 3, 4);
	KT_EXPECT_STR(kt, buf, "bcdecdeh");
}

/* kmemcpy and kmemset take several paths (bytes up to alignment, 16-word and
 * 4-word steps, single words, tail bytes): every alignment of both ends and
 * every length across those steps' boundaries, against a byte loop, with the
 * eight bytes on each side of the destination left as they were. */
#define SPAN_MAX 300
#define GUARD    8

static bool span_is(const unsigned char *p, size_t n, const unsigned char *want,
                    unsigned char fill)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (want ? want[i] : fill))
			return false;
	return true;
}

KTEST(string, memcpy_and_memset_every_alignment_and_length)
{
	static unsigned char src[SPAN_MAX + 8], dst[SPAN_MAX + 8 + 2 * GUARD];
	bool copies = true, fills = true;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 7 + 1);
	for (size_t s = 0; s < 8; s++)
		for (size_t d = 0; d < 8; d++)
			for (size_t n = 0; n <= SPAN_MAX; n++) {
				unsigned char *to = dst + GUARD + d;

				for (size_t i = 0; i < sizeof(dst); i++)
					dst[i] = 0xee;
				copies &= kmemcpy(to, src + s, n) == to &&
				          span_is(to, n, src + s, 0) &&
				          span_is(to - GUARD, GUARD, 0, 0xee) &&
				          span_is(to + n, GUARD, 0, 0xee);
				fills &= kmemset(to, 0x5a, n) == to &&
				         span_is(to, n, 0, 0x5a) &&
				         span_is(to - GUARD, GUARD, 0, 0xee) &&
				         span_is(to + n, GUARD, 0, 0xee);
			}
	KT_EXPECT(kt, copies);
	KT_EXPECT(kt, fills);
}

KTEST(string, compare_and_length)
{
	KT_EXPECT_EQ(kt, kstrlen(""), 0);
	KT_EXPECT_EQ(kt, kstrlen("kraft"), 5);
	KT_EXPECT_EQ(kt, kstrnlen("kraft", 3), 3);
	KT_EXPECT(kt, kstrcmp("abc", "abd") < 0);
	KT_EXPECT(kt, kstrcmp("b", "abc") > 0);
	KT_EXPECT_EQ(kt, kstrcmp("same", "same"), 0);
	KT_EXPECT_EQ(kt, kstrncmp("abcX", "abcY", 3), 0);
	KT_EXPECT(kt, kmemcmp("\x01", "\xff", 1) < 0);
	KT_EXPECT(kt, kstrchr("a=b", '=') != 0);
	KT_EXPECT(kt, kstrchr("ab", '=') == 0);
}

KTEST(string, strlcpy_truncates_and_terminates)
{
	char small[4];

	KT_EXPECT_EQ(kt, kstrlcpy(small, "unikernel", sizeof(small)), 9);
	KT_EXPECT_STR(kt, small, "uni");
}

KTEST(string, strtoul_bases_and_errors)
{
	unsigned long v = 0;

	KT_EXPECT_EQ(kt, kstrtoul("1234", 10, &v), 0);
	KT_EXPECT_EQ(kt, v, 1234);
	KT_EXPECT_EQ(kt, kstrtoul("0x1F", 0, &v), 0);
	KT_EXPECT_EQ(kt, v, 31);
	KT_EXPECT_EQ(kt, kstrtoul("017", 0, &v), 0);
	KT_EXPECT_EQ(kt, v, 15);
	KT_EXPECT_EQ(kt, kstrtoul("12a", 10, &v), -KEINVAL);
	KT_EXPECT_EQ(kt, kstrtoul("", 10, &v), -KEINVAL);
	KT_EXPECT_EQ(kt, kstrtoul("99999999999999999999999", 10, &v), -KERANGE);
}

KTEST(string, glob_matches)
{
	KT_EXPECT(kt, kglob("*", "alloc.pages"));
	KT_EXPECT(kt, kglob("alloc.*", "alloc.pages"));
	KT_EXPECT(kt, kglob("*.pa?es", "alloc.pages"));
	KT_EXPECT(kt, !kglob("sched.*", "alloc.pages"));
	KT_EXPECT(kt, !kglob("alloc", "alloc.pages"));
}

KTEST(string, snprintf_formats)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%d|%5d|%-4d|%05d", -42, 7, 3, -12);
	KT_EXPECT_STR(kt, buf, "-42|    7|3   |-0012");
	ksnprintf(buf, sizeof(buf), "%x %X %#x %o", 255u, 255u, 16u, 8u);
	KT_EXPECT_STR(kt, buf, "ff FF 0x10 10");
	ksnprintf(buf, sizeof(buf), "%016lx", 0xdeadbeefUL);
	KT_EXPECT_STR(kt, buf, "00000000deadbeef");
	ksnprintf(buf, sizeof(buf), "[%.3s][%6s][%-3s][%c%%]", "abcdef", "ab",
	          "x", 'z');
	KT_EXPECT_STR(kt, buf, "[abc][    ab][x  ][z%]");
	ksnprintf(buf, sizeof(buf), "%lu %lld %zu", 18446744073709551615UL,
	          -9223372036854775807LL - 1, (size_t)5);
	KT_EXPECT_STR(kt, buf, "18446744073709551615 -9223372036854775808 5");
	ksnprintf(buf, sizeof(buf), "%s", (char *)0);
	KT_EXPECT_STR(kt, buf, "(null)");
}

KTEST(string, snprintf_truncates_and_counts)
{
	char buf[6];

	KT_EXPECT_EQ(kt, ksnprintf(buf, sizeof(buf), "hello world"), 11);
	KT_EXPECT_STR(kt, buf, "hello");
	KT_EXPECT_EQ(kt, ksnprintf(0, 0, "%d", 12345), 5);
}

KTEST(string, split_words_with_quotes)
{
	char line[] = "  loglevel=info \"two words\" --\ta\"b c\"d  ";
	char *w[8];

	KT_ASSERT(kt, ksplit_words(line, w, 8) == 4);
	KT_EXPECT_STR(kt, w[0], "loglevel=info");
	KT_EXPECT_STR(kt, w[1], "two words");
	KT_EXPECT_STR(kt, w[2], "--");
	KT_EXPECT_STR(kt, w[3], "ab cd");
	char empty[] = " \t ";
	KT_EXPECT_EQ(kt, ksplit_words(empty, w, 8), 0);
	char many[] = "a b c";
	KT_EXPECT_EQ(kt, ksplit_words(many, w, 2), 3);
	KT_EXPECT_STR(kt, w[1], "b");
}
