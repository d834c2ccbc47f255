#include <stdio.h>
#include <string.h>

extern char **environ;

int main(void)
{
	int probes = 0;
	for (char **e = environ; *e; e++) {
		if (strncmp(*e, "PROBE_", 6) == 0) {
			printf("%s\n", *e);
			probes++;
		}
	}
	printf("%d PROBE_ variables\n", probes);
	return 0;
}
