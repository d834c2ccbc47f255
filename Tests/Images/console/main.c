/*
 * Boot-test fixture for kraft run's VM lifecycle and console; the first
 * argument says what to do:
 *   forever      print "running", then sleep until the VM is stopped
 *   flood N      write N bytes of "0123456789"... with no newline, exit 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int flood(long total)
{
	static char chunk[4090]; /* a multiple of 10: the pattern runs on */
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)('0' + i % 10);
	while (total > 0) {
		size_t n =
		    total < (long)sizeof chunk ? (size_t)total : sizeof chunk;
		ssize_t written = write(1, chunk, n);
		if (written <= 0)
			return 1;
		total -= written;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "flood") == 0)
		return flood(strtol(argv[2], 0, 10));
	if (argc >= 2 && strcmp(argv[1], "forever") == 0) {
		printf("running\n");
		for (;;)
			sleep(1);
	}
	printf("usage: forever | flood N\n");
	return 2;
}
