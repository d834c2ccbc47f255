/*
 * Kernel console output: a formatted print and levelled log messages.
 * Formats: %d %i %u %x %X %o %p %s %c %% with flags '-', '0', width,
 * precision (for %s) and the length modifiers hh h l ll z j t.
 * Messages less severe than CONFIG_KCORE_LOG_LEVEL (or the kernel
 * argument loglevel=) are dropped.
 */
#ifndef KRAFT_PRINT_H
#define KRAFT_PRINT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum klog_level {
	KLOG_CRIT,
	KLOG_ERROR,
	KLOG_WARN,
	KLOG_INFO,
	KLOG_DEBUG,
};

/* Returns the number of characters that the full output needs. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Raw output to the console, no level tag. All console output (kernel and
 * libc) goes through these, so the kernel knows where lines start. */
void kputc(char c);
void kputs_raw(const char *s, size_t len);
/* Ends the current console line unless it is empty. */
void kbegin_line(void);
/* Prints KRAFT_EXIT_STATUS_LINE V and a newline (kraft/abi.h), the last
 * words of a platform without an exit device. */
void kprint_exit_status(uint8_t v);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

/* One log line: the level tag, the message, a newline. */
void klog(enum klog_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the level from a name (crit..debug); returns -EINVAL if unknown. */
int klog_set_level(const char *name);
enum klog_level klog_get_level(void);

#define kcrit(...)  klog(KLOG_CRIT, __VA_ARGS__)
#define kerror(...) klog(KLOG_ERROR, __VA_ARGS__)
#define kwarn(...)  klog(KLOG_WARN, __VA_ARGS__)
#define kinfo(...)  klog(KLOG_INFO, __VA_ARGS__)
#define kdebug(...) klog(KLOG_DEBUG, __VA_ARGS__)

#endif /* KRAFT_PRINT_H */
