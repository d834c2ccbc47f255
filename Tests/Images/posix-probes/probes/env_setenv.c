#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	setenv("PROBE_NEW", "one", 0);
	printf("new %s\n", getenv("PROBE_NEW"));
	setenv("PROBE_NEW", "two", 0);
	printf("no overwrite %s\n", getenv("PROBE_NEW"));
	setenv("PROBE_NEW", "three", 1);
	printf("overwrite %s\n", getenv("PROBE_NEW"));
	unsetenv("PROBE_NEW");
	printf("unset %s\n", getenv("PROBE_NEW") ? "set" : "gone");
	{
		long rc = setenv("A=B", "x", 1);
		printf("bad name %ld %s\n", rc, strerror(errno));
	}
	static char entry[] = "PROBE_PUT=put";
	putenv(entry);
	printf("putenv %s\n", getenv("PROBE_PUT"));
	unsetenv("PROBE_PUT");
	return 0;
}
