/*
 * File read: one operation is a 4 KiB read(); each pass opens the file (from
 * the initrd in the unikernel, from the page cache on the host), reads it to
 * the end and closes it.
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "bench.h"

#define CHUNK 4096

static int read_batch(uint64_t iterations, void *context)
{
	const char *path = context;
	static char buffer[CHUNK];
	uint64_t done = 0;
	while (done < iterations) {
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			return -1;
		ssize_t got;
		while (done < iterations && (got = read(fd, buffer, CHUNK)) > 0)
			done++;
		close(fd);
		if (got < 0)
			return -1;
	}
	return 0;
}

int bench_fileread(int argc, char **argv)
{
	if (argc < 2)
		return bench_fail(
		    "fileread", "name the file to read as the second argument");
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return bench_fail("fileread", "the file cannot be opened");
	close(fd);
	return bench_run("fileread", read_batch, argv[1]);
}
