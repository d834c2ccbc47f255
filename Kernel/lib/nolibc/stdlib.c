/*
 * nolibc <stdlib.h>: the malloc family over the kernel heap (setting errno
 * to ENOMEM when it is exhausted), exit and abort through kcore's exit
 * contract, and number parsing.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kstring.h>

#define MAX_ATEXIT 32

static int errno_value;
static void (*atexit_fns[MAX_ATEXIT])(void);
static int natexit;
static unsigned long rand_state = 1;

int *__errno_location(void)
{
	return &errno_value;
}

void *malloc(size_t size)
{
	void *p = kmalloc(size ? size : 1);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = kcalloc(n ? n : 1, size ? size : 1);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *realloc(void *ptr, size_t size)
{
	void *p = krealloc(ptr, size ? size : 1);
	if (!p)
		errno = ENOMEM;
	return p;
}

void free(void *ptr)
{
	kfree(ptr);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	return -kmemalign(out, align, size ? size : 1);
}

void *aligned_alloc(size_t align, size_t size)
{
	void *p;
	int err = kmemalign(&p, align < sizeof(void *) ? sizeof(void *) : align,
	                    size ? size : 1);
	if (err) {
		errno = -err;
		return 0;
	}
	return p;
}

int atexit(void (*fn)(void))
{
	if (natexit == MAX_ATEXIT)
		return -1;
	atexit_fns[natexit++] = fn;
	return 0;
}

void exit(int status)
{
	while (natexit)
		atexit_fns[--natexit]();
	kcore_exit(status);
}

void abort(void)
{
	kcore_abort();
}

char *getenv(const char *name)
{
	(void)name;
	return 0; /* no environment yet */
}

/* Parses magnitude and sign; saturates at limit (the magnitude bound). */
static unsigned long long parse(const char *s, char **end, int base,
                                int *negative, unsigned long long limit)
{
	const char *p = s;
	unsigned long long v = 0;
	int any = 0, overflow = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*negative = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && kdigit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (; kdigit_value(*p) < base; p++, any = 1) {
		unsigned d = (unsigned)kdigit_value(*p);
		if (v > (limit - d) / (unsigned)base)
			overflow = 1;
		else
			v = v * (unsigned)base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (overflow) {
		errno = ERANGE;
		return limit;
	}
	return v;
}

long long strtoll(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v =
	    parse(s, end, base, &neg, (unsigned long long)LLONG_MAX + 1);
	if (!neg && v > LLONG_MAX) {
		errno = ERANGE;
		return LLONG_MAX;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg, ULLONG_MAX);
	return neg ? 0 - v : v;
}

long strtol(const char *s, char **end, int base)
{
	return (long)strtoll(s, end, base);
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return (unsigned long)strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, 0, 10);
}

long atol(const char *s)
{
	return strtol(s, 0, 10);
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}

int rand(void)
{
	rand_state = rand_state * 1103515245 + 12345;
	return (int)((rand_state >> 1) & RAND_MAX);
}

void srand(unsigned seed)
{
	rand_state = seed;
}
