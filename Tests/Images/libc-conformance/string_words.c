/*
 * The string functions the musl port reads a word at a time (memcmp,
 * strchrnul and strchr) or with tolower inline (strcasecmp, strncasecmp),
 * against byte-at-a-time references written here: every alignment of both
 * operands within a word, every length up to a few words, a difference or a
 * match at every position (the first, the last, inside a word, in the tail),
 * bytes above 0x7f (the difference is of unsigned chars), and strings that
 * end on the last byte of a page.
 */
#define _GNU_SOURCE
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include "check.h"

#define MAX_SHIFT                                                              \
	16 /* start offsets of strings; memcmp's two operands use half */
#define MAX_LENGTH 48
#define AREA       (MAX_SHIFT + MAX_LENGTH + 16)
#define PAGE       4096

static int ref_memcmp(const unsigned char *l, const unsigned char *r, size_t n)
{
	for (; n; n--, l++, r++)
		if (*l != *r)
			return *l - *r;
	return 0;
}

static const char *ref_strchrnul(const char *s, int c)
{
	while (*s && *(const unsigned char *)s != (unsigned char)c)
		s++;
	return s;
}

static int ref_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int ref_strncasecmp(const char *l, const char *r, size_t n)
{
	const unsigned char *a = (const void *)l, *b = (const void *)r;
	for (; n; n--, a++, b++) {
		int x = ref_lower(*a), y = ref_lower(*b);
		if (x != y || !x)
			return x - y;
	}
	return 0;
}

/* memcmp's result must equal the reference's exactly (musl returns the
 * difference of the first unequal bytes; the word loop must not change it). */
static int memcmp_agrees(void)
{
	static unsigned char a[AREA], b[AREA];
	static const unsigned char values[][2] = {{'a', 'b'},   {'b', 'a'},
	                                          {0x00, 0xff}, {0xff, 0x00},
	                                          {0x7f, 0x80}, {0x80, 0x7f}};
	for (int la = 0; la < MAX_SHIFT / 2; la++)
		for (int lb = 0; lb < MAX_SHIFT / 2; lb++)
			for (int n = 0; n <= MAX_LENGTH; n++) {
				for (int i = 0; i < AREA; i++)
					a[i] = b[i] =
					    (unsigned char)(i * 7 + 3);
				if (memcmp(a + la, b + lb, n) !=
				    ref_memcmp(a + la, b + lb, n))
					return 0;
				for (int i = 0; i < n; i++)
					a[la + i] = b[lb + i] =
					    (unsigned char)(i * 13 + 5);
				if (memcmp(a + la, b + lb, n) != 0)
					return 0;
				/* A difference at every position, past the end
				 * too (not seen). */
				for (int at = 0; at <= n; at++)
					for (unsigned v = 0;
					     v <
					     sizeof(values) / sizeof(values[0]);
					     v++) {
						unsigned char keep_a =
						                  a[la + at],
						              keep_b =
						                  b[lb + at];
						a[la + at] = values[v][0];
						b[lb + at] = values[v][1];
						int got =
						    memcmp(a + la, b + lb, n);
						int want = ref_memcmp(
						    a + la, b + lb, n);
						a[la + at] = keep_a;
						b[lb + at] = keep_b;
						if (got != want ||
						    (at == n && got != 0))
							return 0;
					}
			}
	return 1;
}

/* strchrnul and strchr at every start alignment, with c and the end at
 * every position, for c below and above 0x7f and for the end alone. */
static int strchr_agrees(void)
{
	static char s[AREA];
	static const int wanted[] = {'r', 0x80, 0xff, 0x01, 0x7f};
	for (int shift = 0; shift < MAX_SHIFT; shift++)
		for (int length = 0; length <= MAX_LENGTH; length++)
			for (unsigned w = 0;
			     w < sizeof(wanted) / sizeof(wanted[0]); w++)
				for (int at = -1; at <= length; at++) {
					int c = wanted[w];
					/* Bytes before the start are c and 0:
					 * they must be ignored. */
					memset(s, 0, sizeof(s));
					for (int i = 0; i < shift; i++)
						s[i] = i % 2 ? (char)c : 0;
					for (int i = 0; i < length; i++)
						s[shift + i] =
						    (char)(((i * 11 + 1) %
						            0x7e) +
						           1) == (char)c
						        ? 'x'
						        : (char)(((i * 11 + 1) %
						                  0x7e) +
						                 1);
					if (at >= 0 && at < length)
						s[shift + at] = (char)c;
					const char *p = s + shift;
					if (strchrnul(p, c) !=
					    ref_strchrnul(p, c))
						return 0;
					const char *r = ref_strchrnul(p, c);
					if (strchr(p, c) != (*r ? r : 0))
						return 0;
					if (strchrnul(p, 0) != p + strlen(p) ||
					    strchr(p, 0) != p + strlen(p))
						return 0;
					/* c's value plus 256 is the same byte
					 * (c is converted to unsigned char). */
					if (strchrnul(p, c + 256) != r)
						return 0;
				}
	return 1;
}

/* A string whose end is the last byte of a page: nothing past it is read
 * that could be unmapped (the words read are the aligned ones holding it). */
static int strchr_at_page_end(void)
{
	char *page = aligned_alloc(PAGE, 2 * PAGE);
	if (!page)
		return 0;
	int ok = 1;
	for (int length = 0; length < 24 && ok; length++) {
		char *end = page + PAGE - 1;
		char *p = end - length;
		memset(p, 'a', length);
		*end = 0;
		ok = strchrnul(p, 'z') == end && strchr(p, 'z') == 0 &&
		     (length == 0 || strchr(p, 'a') == p);
	}
	free(page);
	return ok;
}

static int strcasecmp_agrees(void)
{
	char l[3] = {0}, r[3] = {0};
	for (int x = 0; x < 256; x++)
		for (int y = 0; y < 256; y++) {
			l[0] = (char)x;
			r[0] = (char)y;
			l[1] = r[1] = 'Q';
			int want = ref_strncasecmp(l, r, 3);
			if (strcasecmp(l, r) != want ||
			    strncasecmp(l, r, 3) != want ||
			    strncasecmp(l, r, 0) != 0)
				return 0;
		}
	static const char *const pairs[][2] = {
	    {"SET", "set"},  {"GeT", "gEt"},  {"key:1", "KEY:2"},
	    {"abc", "ABCD"}, {"", "a"},       {"Z[", "z{"},
	    {"@", "`"},      {"\xc4", "\xe4"}};
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		for (size_t n = 0; n < 6; n++)
			if (strcasecmp(pairs[i][0], pairs[i][1]) !=
			        ref_strncasecmp(pairs[i][0], pairs[i][1], 99) ||
			    strncasecmp(pairs[i][0], pairs[i][1], n) !=
			        ref_strncasecmp(pairs[i][0], pairs[i][1], n))
				return 0;
	return 1;
}

void run_string_words(void)
{
	CHECK("memcmp every alignment, length and difference", memcmp_agrees());
	CHECK("strchrnul and strchr every alignment and position",
	      strchr_agrees());
	CHECK("strchr at the end of a page", strchr_at_page_end());
	CHECK("strcasecmp and strncasecmp every byte pair",
	      strcasecmp_agrees());
}
