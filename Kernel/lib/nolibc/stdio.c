/*
 * nolibc <stdio.h>: formatted output through the kernel's formatter, bytes
 * straight to the console (stdout and stderr alike; there is no buffering,
 * so output and crash reports interleave in the order they happened).
 */
#include <stdio.h>
#include <unistd.h>
#include <kraft/plat.h>
#include <kraft/print.h>
#include <kraft/kstring.h>

struct _nolibc_file {
	int fd;
};

static struct _nolibc_file files[3] = {{0}, {1}, {2}};
FILE *const stdin = &files[0];
FILE *const stdout = &files[1];
FILE *const stderr = &files[2];

int vprintf(const char *fmt, va_list ap)
{
	return kvprintf(fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	(void)f;
	return kvprintf(fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, (size_t)-1 / 2, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *s, FILE *f)
{
	(void)f;
	kputs_raw(s, kstrlen(s));
	return 0;
}

int puts(const char *s)
{
	fputs(s, stdout);
	kputc('\n');
	return 0;
}

int fputc(int c, FILE *f)
{
	(void)f;
	kputc((char)c);
	return (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int getchar(void)
{
	int c;

	while ((c = plat_console_getc()) < 0)
		; /* polled: there is no input interrupt yet */
	return c;
}

int fflush(FILE *f)
{
	(void)f;
	return 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO)
		return -1;
	kputs_raw(buf, n);
	return (ssize_t)n;
}
