#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE 10000 /* two pages and part of a third */

static unsigned char expected(size_t i)
{
	return (unsigned char)(i * 7 + 3);
}

static const char *mmap_error(void *addr, size_t len, int prot, int flags,
                              int fd, off_t off)
{
	void *p = mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		munmap(p, len);
		return "mapped";
	}
	return errno == EACCES   ? "EACCES"
	       : errno == EBADF  ? "EBADF"
	       : errno == ENODEV ? "ENODEV"
	       : errno == EINVAL ? "EINVAL"
	                         : "other";
}

int main(void)
{
	static unsigned char data[SIZE];
	for (size_t i = 0; i < SIZE; i++)
		data[i] = expected(i);
	int fd = open("data", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	write(fd, data, SIZE);
	printf("write-only fd: %s\n",
	       mmap_error(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0));
	close(fd);

	fd = open("data", O_RDONLY);
	unsigned char *shared = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, fd, 0);
	printf("read-only shared mapped %d\n", shared != MAP_FAILED);
	printf("contents equal %d\n", memcmp(shared, data, SIZE) == 0);
	int tail_zero = 1;
	for (size_t i = SIZE; i < 3 * 4096; i++)
		tail_zero &= shared[i] == 0;
	printf("rest of last page zero %d\n", tail_zero);

	unsigned char *private =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
	printf("private at offset 4096 mapped %d\n", private != MAP_FAILED);
	printf("starts with byte 4096 %d\n", private[0] == expected(4096));
	private[0] ^= 0xff;
	unsigned char byte = 0;
	pread(fd, &byte, 1, 4096);
	printf("private write leaves the file %d\n", byte == expected(4096));
	printf("shared mapping unchanged %d\n", shared[4096] == expected(4096));
	close(fd);
	printf("readable after close %d\n", private[4095] == expected(8191) &&
	                                        shared[9999] == expected(9999));
	printf("munmap %d %d\n", munmap(shared, SIZE), munmap(private, 4096));

	fd = open("data", O_RDONLY);
	printf(
	    "shared writable on read-only fd: %s\n",
	    mmap_error(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	printf("unaligned offset: %s\n",
	       mmap_error(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100));
	close(fd);
	printf("closed fd: %s\n",
	       mmap_error(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0));
	int ends[2];
	pipe(ends);
	printf("pipe: %s\n",
	       mmap_error(NULL, 4096, PROT_READ, MAP_PRIVATE, ends[0], 0));
	close(ends[0]);
	close(ends[1]);
	return unlink("data");
}
