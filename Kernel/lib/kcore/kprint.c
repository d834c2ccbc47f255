/*
 * Formatted output. One formatter (kvsnprintf) writes through a small sink,
 * either a bounded buffer or the console, so printing needs no buffer and
 * no allocation and works in a crash handler. klog adds the level tag from
 * kraft/abi.h and drops messages below the configured level.
 */
#include <stdbool.h>
#include <stdint.h>
#include <kraft/abi.h>
#include <kraft/arch.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/plat.h>
#include <kraft/print.h>

#if defined(CONFIG_KCORE_LOG_LEVEL_DEBUG)
#define DEFAULT_LEVEL KLOG_DEBUG
#elif defined(CONFIG_KCORE_LOG_LEVEL_INFO)
#define DEFAULT_LEVEL KLOG_INFO
#elif defined(CONFIG_KCORE_LOG_LEVEL_ERROR)
#define DEFAULT_LEVEL KLOG_ERROR
#elif defined(CONFIG_KCORE_LOG_LEVEL_CRIT)
#define DEFAULT_LEVEL KLOG_CRIT
#else
#define DEFAULT_LEVEL KLOG_WARN
#endif

static enum klog_level log_level = DEFAULT_LEVEL;
static char last_output = '\n'; /* to start kernel messages on a fresh line */

static const char *const level_names[] = {"crit", "error", "warn", "info",
                                          "debug"};
static const char *const level_tags[] = {
    KRAFT_LOG_TAG_CRIT, KRAFT_LOG_TAG_ERROR, KRAFT_LOG_TAG_WARN,
    KRAFT_LOG_TAG_INFO, KRAFT_LOG_TAG_DEBUG};

struct sink {
	bool console; /* else the bounded buffer buf */
	char *buf;
	size_t size;
	size_t len; /* characters produced, stored or not */
};

static void emit(struct sink *s, char c)
{
	if (s->console)
		kputc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t len, int width,
                        bool left, char pad)
{
	int fill = width > (int)len ? width - (int)len : 0;

	if (!left)
		while (fill-- > 0)
			emit(s, pad);
	for (size_t i = 0; i < len; i++)
		emit(s, str[i]);
	if (left)
		while (fill-- > 0)
			emit(s, ' ');
}

static void emit_number(struct sink *s, uint64_t v, bool negative,
                        unsigned base, bool upper, int width, bool left,
                        char pad, const char *prefix)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	size_t plen = kstrlen(prefix) + negative;
	int fill = width > n + (int)plen ? width - n - (int)plen : 0;
	if (!left && pad == ' ')
		while (fill-- > 0)
			emit(s, ' ');
	if (negative)
		emit(s, '-');
	for (; *prefix; prefix++)
		emit(s, *prefix);
	if (!left && pad == '0')
		while (fill-- > 0)
			emit(s, '0');
	while (n)
		emit(s, tmp[--n]);
	if (left)
		while (fill-- > 0)
			emit(s, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ';
		int width = 0, precision = -1, longs = 0;
		for (;; fmt++) {
			if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '0')
				pad = '0';
			else if (fmt[1] == '#')
				alt = true;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			precision = 0;
			if (*++fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				precision = precision * 10 + (*fmt - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 'j' ||
			    *fmt == 't')
				longs = 1;
			else if (*fmt != 'h')
				break;
		}
		uint64_t u;
		int64_t i;
		switch (*fmt) {
		case 'd':
		case 'i':
			i = longs ? va_arg(ap, long) : va_arg(ap, int);
			u = i < 0 ? -(uint64_t)i : (uint64_t)i;
			emit_number(s, u, i < 0, 10, false, width, left, pad,
			            "");
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = longs ? va_arg(ap, unsigned long)
			          : va_arg(ap, unsigned);
			emit_number(s, u, false,
			            *fmt == 'u'   ? 10
			            : *fmt == 'o' ? 8
			                          : 16,
			            *fmt == 'X', width, left, pad,
			            alt && *fmt == 'x'   ? "0x"
			            : alt && *fmt == 'X' ? "0X"
			                                 : "");
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			emit_number(s, u, false, 16, false, width, left, pad,
			            "0x");
			break;
		case 'c':
			emit_padded(s, (char[]){(char)va_arg(ap, int)}, 1,
			            width, left, ' ');
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t len = precision >= 0
			                 ? kstrnlen(str, (size_t)precision)
			                 : kstrlen(str);
			emit_padded(s, str, len, width, left, ' ');
			break;
		}
		case '%':
			emit(s, '%');
			break;
		default: /* unknown: print it as written */
			emit(s, '%');
			if (!*fmt)
				return;
			emit(s, *fmt);
		}
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = {false, buf, size, 0};

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = 0;
	return (int)s.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void kputc(char c)
{
	last_output = c;
	plat_console_putc(c);
}

/* Out of line: inlined with a constant length, the compiler unrolls it into
 * a call per byte, and under QEMU's TCG each is a block to translate (the
 * exit status line was 88 instructions in 23 blocks). */
__attribute__((noinline)) void kputs_raw(const char *str, size_t len)
{
	for (size_t i = 0; i < len; i++)
		kputc(str[i]);
}

void kbegin_line(void)
{
	if (last_output != '\n')
		kputc('\n');
}

/* Without the format engine: under QEMU's TCG code run once costs its
 * translation, and a boot that prints no number otherwise (hello) made
 * this line translate the engine's number path (~200 instructions). */
void kprint_exit_status(uint8_t v)
{
	char digits[3];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	kputs_raw(KRAFT_EXIT_STATUS_LINE, sizeof(KRAFT_EXIT_STATUS_LINE) - 1);
	while (n)
		kputc(digits[--n]);
	kputc('\n');
}

int kvprintf(const char *fmt, va_list ap)
{
	struct sink s = {true, 0, 0, 0};

	format(&s, fmt, ap);
	return (int)s.len;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(enum klog_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	kbegin_line();
	kputs_raw(level_tags[level], kstrlen(level_tags[level]));
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kputc('\n');
}

int klog_set_level(const char *name)
{
	for (unsigned i = 0; i <= KLOG_DEBUG; i++)
		if (!kstrcmp(name, level_names[i])) {
			log_level = (enum klog_level)i;
			return 0;
		}
	return -KEINVAL;
}

enum klog_level klog_get_level(void)
{
	return log_level;
}
