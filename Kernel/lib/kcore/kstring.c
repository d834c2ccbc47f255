/*
 * String and memory helpers for the kernel. Plain loops, marked no_builtin
 * so the compiler cannot turn them back into calls to memcpy and recurse.
 * The compiler itself emits calls to memcpy, memmove, memset and memcmp
 * (struct copies), so they are defined here too, as weak aliases: the
 * kernel links without any libc, and a libc port's own strong definitions
 * win when it has them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>

/* A word that may alias any object, for the word-at-a-time loops below. */
typedef uint64_t __attribute__((may_alias)) kword;
#define KWORD_MASK (sizeof(kword) - 1)

/* The same word, at any address: x86_64 and arm64 (SCTLR_EL1.A clear, RAM
 * mapped as Normal memory) load it with one instruction either way. */
typedef uint64_t __attribute__((may_alias, aligned(1))) kword_unaligned;

/* Under QEMU TCG every pass through a loop is a translated block entered and
 * left, and its loop control runs beside the moves: sixteen words per step
 * make a 4 KiB copy 1,207 guest instructions in 32 passes instead of 1,370 in
 * 64 (the compiler unrolled the four-word loop once). The 1,024 loads and
 * stores stay: each goes through QEMU's software TLB, the copy's real cost;
 * wider SSE or `rep movs` moves cost more there (docs/kernel.md, "The read's
 * copy"). */
#define KWORD_STEP 16

/* Byte by byte until dst is word-aligned, then KWORD_STEP words per step, then
 * four, then single words, then the remaining bytes. A byte loop cost about 1
 * ns per byte under QEMU TCG, which made a 4 KiB read() 4.5 us. When src is
 * aligned differently from dst its words are loaded unaligned: an initrd
 * file's bytes are aligned to 4 only (cpio newc), so half of them used to be
 * copied a byte at a time (a 4 KiB read of such a file took about 16,000
 * instructions instead of 1,400). Only the kernel's own buffers in RAM are
 * copied here, never device memory, where an unaligned load would fault on
 * arm64. */
__attribute__((no_builtin)) void *kmemcpy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	if (n >= sizeof(kword)) {
		for (; (uintptr_t)d & KWORD_MASK; n--)
			*d++ = *s++;
		kword *dw = (kword *)d;
		const kword_unaligned *sw = (const kword_unaligned *)s;
		for (; n >= KWORD_STEP * sizeof(kword);
		     n -= KWORD_STEP * sizeof(kword)) {
			for (int i = 0; i < KWORD_STEP; i++)
				dw[i] = sw[i];
			dw += KWORD_STEP;
			sw += KWORD_STEP;
		}
		for (; n >= 4 * sizeof(kword); n -= 4 * sizeof(kword)) {
			kword a = sw[0], b = sw[1], c = sw[2], e = sw[3];
			dw[0] = a;
			dw[1] = b;
			dw[2] = c;
			dw[3] = e;
			dw += 4;
			sw += 4;
		}
		for (; n >= sizeof(kword); n -= sizeof(kword))
			*dw++ = *sw++;
		d = (char *)dw;
		s = (const char *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

__attribute__((no_builtin)) void *kmemmove(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	if (d == s || !n)
		return dst;
	if (d < s || d >= s + n)
		return kmemcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

__attribute__((no_builtin)) void *kmemset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	for (; n && ((uintptr_t)d & KWORD_MASK); n--)
		*d++ = (unsigned char)c;
	kword fill = 0x0101010101010101ULL * (unsigned char)c;
	kword *dw = (kword *)d;
	for (; n >= KWORD_STEP * sizeof(kword);
	     n -= KWORD_STEP * sizeof(kword)) {
		for (int i = 0; i < KWORD_STEP; i++)
			dw[i] = fill;
		dw += KWORD_STEP;
	}
	for (; n >= 4 * sizeof(kword); n -= 4 * sizeof(kword)) {
		dw[0] = fill;
		dw[1] = fill;
		dw[2] = fill;
		dw[3] = fill;
		dw += 4;
	}
	for (; n >= sizeof(kword); n -= sizeof(kword))
		*dw++ = fill;
	d = (unsigned char *)dw;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

__attribute__((no_builtin)) int kmemcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t kstrlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t kstrnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int kstrcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int kstrncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *kstrchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return 0;
	}
}

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t len = kstrlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		kmemcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

int kdigit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int kstrtoul(const char *s, unsigned base, unsigned long *out)
{
	unsigned long v = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			base = 16, s += 2;
		else if (s[0] == '0' && s[1])
			base = 8, s++;
		else
			base = 10;
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return -KEINVAL;
	for (; *s; s++) {
		int d = kdigit_value(*s);
		if (d >= (int)base)
			return -KEINVAL;
		if (v > (~0UL - (unsigned)d) / base)
			return -KERANGE;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return 0;
}

int kglob(const char *pattern, const char *name)
{
	const char *star = 0, *resume = 0;

	while (*name) {
		if (*pattern == '*') {
			star = pattern++;
			resume = name;
		} else if (*pattern == '?' || *pattern == *name) {
			pattern++, name++;
		} else if (star) {
			pattern = star + 1;
			name = ++resume;
		} else {
			return 0;
		}
	}
	while (*pattern == '*')
		pattern++;
	return !*pattern;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int ksplit_words(char *s, char **words, int max)
{
	int n = 0;
	char *out = s;

	while (*s) {
		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		char *word = out;
		bool quoted = false;
		for (; *s && (quoted || !is_blank(*s)); s++) {
			if (*s == '"')
				quoted = !quoted;
			else
				*out++ = *s;
		}
		if (*s)
			s++;
		*out++ = 0;
		if (n < max)
			words[n] = word;
		n++;
	}
	return n;
}

void *memcpy(void *dst, const void *src, size_t n)
    __attribute__((weak, alias("kmemcpy")));
void *memmove(void *dst, const void *src, size_t n)
    __attribute__((weak, alias("kmemmove")));
void *memset(void *dst, int c, size_t n)
    __attribute__((weak, alias("kmemset")));
int memcmp(const void *a, const void *b, size_t n)
    __attribute__((weak, alias("kmemcmp")));
