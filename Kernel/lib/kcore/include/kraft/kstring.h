/*
 * String and memory helpers for kernel code, prefixed so that they never
 * collide with (or depend on) the libc the application links with.
 */
#ifndef KRAFT_KSTRING_H
#define KRAFT_KSTRING_H

#include <stddef.h>

void *kmemcpy(void *dst, const void *src, size_t n);
void *kmemmove(void *dst, const void *src, size_t n);
void *kmemset(void *dst, int c, size_t n);
int kmemcmp(const void *a, const void *b, size_t n);
size_t kstrlen(const char *s);
size_t kstrnlen(const char *s, size_t max);
int kstrcmp(const char *a, const char *b);
int kstrncmp(const char *a, const char *b, size_t n);
char *kstrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates; returns kstrlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);
/* The value of c as a digit of a base up to 36 (0-9, a-z, A-Z), else 99. */
int kdigit_value(char c);
/* Parses an unsigned number (base 0: 0x.. hex, 0.. octal, else decimal). */
int kstrtoul(const char *s, unsigned base, unsigned long *out);
/*
 * Splits s in place into words: blanks separate them, double quotes group
 * blanks into one word (and are removed). Stores at most max pointers into
 * words; returns how many words there are (which may be more than max).
 */
int ksplit_words(char *s, char **words, int max);
/* Shell-style wildcard match of '*' and '?'; true when name matches. */
int kglob(const char *pattern, const char *name);

#endif /* KRAFT_KSTRING_H */
