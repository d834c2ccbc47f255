/*
 * The environment: kraft run passes the Kraftfile's env: (and each -e
 * KEY=VALUE) as kernel arguments env.KEY=VALUE, the kernel puts them in envp,
 * and musl's getenv finds them. Every variable is printed, one per line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(void)
{
	const char *greeting = getenv("GREETING");
	const char *answer = getenv("ANSWER");
	int n = 0;
	for (char **e = environ; *e; e++) {
		printf("environ[%d]: %s\n", n, *e);
		n++;
	}
	printf("GREETING=%s\n", greeting ? greeting : "(unset)");
	printf("ANSWER=%s\n", answer ? answer : "(unset)");
	printf("%d variables\n", n);
	if (!greeting || strcmp(greeting, "hello from the Kraftfile") ||
	    !answer || atoi(answer) != 42 || getenv("UNSET_VARIABLE"))
		return 1;
	setenv("ADDED", "yes", 1);
	if (strcmp(getenv("ADDED"), "yes"))
		return 1;
	puts("env: ok");
	return 0;
}
