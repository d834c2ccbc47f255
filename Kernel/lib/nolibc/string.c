/*
 * nolibc <string.h>. Thin wrappers over kcore's kstring helpers where they
 * exist; memcpy, memmove, memset and memcmp themselves are weak aliases in
 * kcore (the compiler emits calls to them from kernel code too), so a real
 * libc port replaces them simply by defining its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <kraft/kstring.h>

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return 0;
}

size_t strlen(const char *s)
{
	return kstrlen(s);
}

size_t strnlen(const char *s, size_t max)
{
	return kstrnlen(s, max);
}

int strcmp(const char *a, const char *b)
{
	return kstrcmp(a, b);
}

int strncmp(const char *a, const char *b, size_t n)
{
	return kstrncmp(a, b, n);
}

char *strchr(const char *s, int c)
{
	return kstrchr(s, c);
}

char *strrchr(const char *s, int c)
{
	const char *last = 0;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = kstrlen(needle);

	for (; *haystack; haystack++)
		if (!kstrncmp(haystack, needle, n))
			return (char *)haystack;
	return n ? 0 : (char *)haystack;
}

char *strcpy(char *dst, const char *src)
{
	return kmemcpy(dst, src, kstrlen(src) + 1);
}

char *strncpy(char *dst, const char *src, size_t n)
{
	size_t len = kstrnlen(src, n);

	kmemcpy(dst, src, len);
	kmemset(dst + len, 0, n - len);
	return dst;
}

char *strcat(char *dst, const char *src)
{
	strcpy(dst + kstrlen(dst), src);
	return dst;
}

char *strdup(const char *s)
{
	size_t n = kstrlen(s) + 1;
	char *p = malloc(n);

	return p ? kmemcpy(p, s, n) : 0;
}

char *strerror(int errnum)
{
	switch (errnum) {
	case 0:
		return "Success";
	case ENOENT:
		return "No such file or directory";
	case ENOMEM:
		return "Out of memory";
	case EINVAL:
		return "Invalid argument";
	case ERANGE:
		return "Result not representable";
	case EAGAIN:
		return "Resource temporarily unavailable";
	case ENOSYS:
		return "Function not implemented";
	default:
		return "Unknown error";
	}
}
