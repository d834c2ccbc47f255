/*
 * The conformance harness: CHECK(name, condition) prints "PASS name" or
 * "FAIL name: condition" (the in-kernel test format of kraft/abi.h) and
 * counts; each area file defines one run_<area>() function.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

extern unsigned checks_passed, checks_failed;

#define CHECK(name, cond)                                                      \
	do {                                                                   \
		if (cond) {                                                    \
			checks_passed++;                                       \
			printf("PASS %s\n", name);                             \
		} else {                                                       \
			checks_failed++;                                       \
			printf("FAIL %s: %s\n", name, #cond);                  \
		}                                                              \
	} while (0)

/* snprintf into a static buffer and compare with the expected text. */
int formats_as(const char *want, const char *fmt, ...);

void run_string(void);
void run_string_words(void);
void run_stdio(void);
void run_stdlib(void);
void run_math(void);
void run_time(void);
void run_pthread(void);
void run_files(void);
void run_errno(void);

#endif
