/*
 * The guest as an ordinary program sees it: memory and default files.
 *
 * Memory (argv[1] = the guest's size in MiB): malloc(64 MiB) succeeds and
 * every byte can be written; 1 MiB blocks can be allocated until malloc fails
 * for at least 3/4 of the guest; after freeing them all, the same amount can
 * be allocated again, and then 3/4 of the guest in one block. musl's malloc
 * maps every block this large on its own, so this is the kernel's mmap.
 * An anonymous mapping of a thread stack's length, written in a few pages
 * and unmapped, reads zeros in every page when it is mapped again (the
 * kernel keeps such runs and zeroes only the pages written since).
 *
 * The image has a rootfs (an initrd), which on arm64 QEMU loads half-way up
 * RAM: the kernel moves it out of the way, or the one-block check fails.
 *
 * Files: the rootfs's /etc/guest.txt is there, /tmp (which the rootfs does
 * not have) is a writable directory, /dev/null swallows writes and reads
 * as empty, /dev/zero reads zeros and /dev/urandom reads bytes that are not
 * all the same.
 *
 * Mapped files: /etc/pages.txt (over 64 KiB, so kraft starts its bytes on a
 * page of the initrd) maps read-only where the initrd holds it: two such
 * mappings are the same bytes, read as read() does, and the rest of the
 * last page reads zeros; mprotect will not make them writable (a write
 * would change the file). A private writable mapping is a copy: written,
 * it leaves the file as it was.
 *
 * /proc: readlink("/proc/self/exe") is "/" + argv[0]; /proc/self/fd lists
 * a file opened here, its link reads as the file's path (a pipe's as
 * pipe:[N]) and is gone once the file is closed; /proc/self/cmdline is
 * argv and /proc/self/environ the environment (the Kraftfile's env:), each
 * NUL-separated; /proc/meminfo has MemTotal; /proc is read-only.
 *
 * Prints one line per check and "guest: ok" when all hold (exit 0).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024UL * 1024)

static int failures;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

/* Writes every byte and reads the ends back. */
static int touch(unsigned char *p, size_t size, unsigned char value)
{
	memset(p, value, size);
	return p[0] == value && p[size / 2] == value && p[size - 1] == value;
}

/* Allocates 1 MiB blocks, each holding a link to the previous one, until
 * malloc fails; returns how many. */
static size_t fill(void **head)
{
	size_t n = 0;
	void *p;

	while ((p = malloc(MIB))) {
		if (!touch(p, MIB, (unsigned char)n))
			return 0;
		*(void **)p = *head;
		*head = p;
		n++;
	}
	return n;
}

static void release(void *head)
{
	while (head) {
		void *next = *(void **)head;
		free(head);
		head = next;
	}
}

/* Three rounds of map, check zeros, write some pages, unmap: a different set
 * of pages each round, so a page written in one round and not the next
 * must still read zero in the round after. */
static int remapped_reads_zeros(void)
{
	const size_t page = 4096, len = 36 * page;
	int ok = 1;

	for (size_t round = 0; round < 3 && ok; round++) {
		unsigned char *p = mmap(0, len, PROT_READ | PROT_WRITE,
		                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 0;
		for (size_t i = 0; i < len; i++)
			if (p[i]) {
				ok = 0;
				break;
			}
		p[round * page + 7] = 1;
		p[len - 1] = 2;
		if (round == 1)
			for (size_t i = 100; i < len; i += 3 * page)
				p[i] = 3;
		munmap(p, len);
	}
	return ok;
}

static void memory_checks(size_t guest_mib)
{
	check(remapped_reads_zeros(), "an mmap handed out again reads zeros");
	unsigned char *big = malloc(64 * MIB);
	check(big && touch(big, 64 * MIB, 0xa5), "malloc(64 MiB) and write it");
	free(big);

	void *blocks = 0;
	size_t first = fill(&blocks);
	printf("1 MiB blocks: %zu of a %zu MiB guest\n", first, guest_mib);
	check(first * 4 >= guest_mib * 3, "1 MiB blocks fill 3/4 of the guest");
	release(blocks);

	blocks = 0;
	size_t again = fill(&blocks);
	printf("after freeing them: %zu again\n", again);
	check(again + 1 >= first, "freed blocks can be allocated again");
	release(blocks);

	size_t most = guest_mib / 4 * 3 * MIB;
	big = malloc(most);
	check(big && touch(big, most, 0x5a), "one block of 3/4 of the guest");
	free(big);
}

static void file_checks(void)
{
	struct stat st;
	char text[32] = "";
	FILE *kept = fopen("/etc/guest.txt", "r");
	check(kept && fgets(text, sizeof text, kept) &&
	          !strcmp(text, "from the rootfs\n"),
	      "the rootfs is there");
	if (kept)
		fclose(kept);

	check(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode),
	      "/tmp is a directory");

	FILE *f = fopen("/tmp/x", "w");
	check(f && fputs("scratch\n", f) >= 0 && fclose(f) == 0,
	      "write /tmp/x");
	char line[32] = "";
	f = fopen("/tmp/x", "r");
	check(f && fgets(line, sizeof line, f) && !strcmp(line, "scratch\n"),
	      "read /tmp/x back");
	if (f)
		fclose(f);
	check(unlink("/tmp/x") == 0, "unlink /tmp/x");

	int fd = open("/dev/null", O_RDWR);
	char buf[256];
	check(fd >= 0 && write(fd, "gone", 4) == 4 && read(fd, buf, 4) == 0,
	      "/dev/null swallows writes and reads empty");
	close(fd);

	memset(buf, 1, sizeof buf);
	fd = open("/dev/zero", O_RDONLY);
	int zeros = fd >= 0 && read(fd, buf, sizeof buf) == sizeof buf;
	for (size_t i = 0; zeros && i < sizeof buf; i++)
		zeros = buf[i] == 0;
	check(zeros, "/dev/zero reads zeros");
	close(fd);

	fd = open("/dev/urandom", O_RDONLY);
	int varied = fd >= 0 && read(fd, buf, sizeof buf) == sizeof buf;
	int same = 1;
	for (size_t i = 1; varied && i < sizeof buf; i++)
		same &= buf[i] == buf[0];
	check(varied && !same, "/dev/urandom reads varied bytes");
	close(fd);
}

#define PAGES_FILE "/etc/pages.txt"

static void mapped_file_checks(void)
{
	static char contents[128 * 1024];
	int fd = open(PAGES_FILE, O_RDONLY);
	ssize_t size = fd >= 0 ? read(fd, contents, sizeof contents) : -1;
	check(size > 64 * 1024 && size < (ssize_t)sizeof contents,
	      "read " PAGES_FILE " whole");
	if (size <= 0)
		return;
	size_t pages = ((size_t)size + 4095) & ~(size_t)4095;
	char *one = mmap(0, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	char *two = mmap(0, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	check(one != MAP_FAILED && two != MAP_FAILED &&
	          !memcmp(one, contents, (size_t)size),
	      "a read-only mapping of a file reads as read() does");
	if (one == MAP_FAILED || two == MAP_FAILED)
		return;
	int zeros = 1;
	for (size_t i = (size_t)size; i < pages; i++)
		zeros &= one[i] == 0;
	check(zeros, "the rest of its last page reads zeros");
	check(one == two, "read-only mappings of an initrd file are its bytes "
	                  "in place, not copies");
	errno = 0;
	check(mprotect(one, pages, PROT_READ | PROT_WRITE) < 0 &&
	          errno == EACCES,
	      "mprotect refuses to make a file's bytes in place writable");

	char *copy =
	    mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 4096);
	check(copy != MAP_FAILED && copy != one + 4096 &&
	          !memcmp(copy, contents + 4096, 8192),
	      "a private writable mapping is a copy");
	char byte = 0;
	if (copy != MAP_FAILED) {
		copy[0] ^= 0x7f;
		check(pread(fd, &byte, 1, 4096) == 1 && byte == contents[4096] &&
		          one[4096] == contents[4096],
		      "writing the copy leaves the file as it was");
		munmap(copy, 8192);
	}
	check(munmap(one, (size_t)size) == 0 && munmap(two, (size_t)size) == 0,
	      "munmap of mappings in place");
	check(pread(fd, &byte, 1, size - 1) == 1 && byte == contents[size - 1],
	      "the file reads the same after munmap");
	close(fd);
}

/* readlink of path as a string ("" on failure). */
static const char *link_of(const char *path)
{
	static char target[256];
	ssize_t n = readlink(path, target, sizeof target - 1);
	target[n > 0 ? n : 0] = 0;
	return target;
}

/* Whether /proc/self/fd lists fd. */
static int fd_listed(int fd)
{
	char want[16];
	int found = 0;
	snprintf(want, sizeof want, "%d", fd);
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		found |= !strcmp(e->d_name, want);
	if (d)
		closedir(d);
	return found;
}

static void proc_checks(int argc, char **argv)
{
	char want[256], path[64];
	snprintf(want, sizeof want, "/%s", argv[0]);
	printf("/proc/self/exe -> %s\n", link_of("/proc/self/exe"));
	check(!strcmp(link_of("/proc/self/exe"), want),
	      "readlink /proc/self/exe is the program");

	int fd = open("/etc/guest.txt", O_RDONLY);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	printf("%s -> %s\n", path, link_of(path));
	check(fd >= 0 && fd_listed(fd), "/proc/self/fd lists an open file");
	check(!strcmp(link_of(path), "/etc/guest.txt"),
	      "/proc/self/fd/N reads as the file's path");
	close(fd);
	check(readlink(path, want, sizeof want) < 0 && errno == ENOENT,
	      "/proc/self/fd/N is gone once N is closed");

	int ends[2];
	check(pipe(ends) == 0, "pipe");
	snprintf(path, sizeof path, "/proc/self/fd/%d", ends[0]);
	check(!strncmp(link_of(path), "pipe:[", 6),
	      "/proc/self/fd/N of a pipe reads as pipe:[N]");
	close(ends[0]);
	close(ends[1]);

	char cmdline[256], expected[256];
	size_t want_len = 0;
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;
		memcpy(expected + want_len, argv[i], len);
		want_len += len;
	}
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t got = f ? fread(cmdline, 1, sizeof cmdline, f) : 0;
	if (f)
		fclose(f);
	check(got == want_len && !memcmp(cmdline, expected, got),
	      "/proc/self/cmdline is argv, NUL-separated");

	/* The Kraftfile's env: gives the environment at least one entry. */
	want_len = 0;
	for (char **e = environ; *e && want_len < sizeof expected; e++) {
		size_t len = strlen(*e) + 1;
		if (want_len + len > sizeof expected)
			break;
		memcpy(expected + want_len, *e, len);
		want_len += len;
	}
	f = fopen("/proc/self/environ", "r");
	got = f ? fread(cmdline, 1, sizeof cmdline, f) : 0;
	if (f)
		fclose(f);
	check(environ[0] && got == want_len && !memcmp(cmdline, expected, got),
	      "/proc/self/environ is the environment, NUL-separated");

	char line[128] = "";
	unsigned long total_kb = 0;
	f = fopen("/proc/meminfo", "r");
	check(f && fgets(line, sizeof line, f) &&
	          sscanf(line, "MemTotal: %lu kB", &total_kb) == 1 &&
	          total_kb > 0,
	      "/proc/meminfo has MemTotal");
	if (f)
		fclose(f);
	printf("meminfo: %s", line);

	errno = 0;
	check(open("/proc/new", O_WRONLY | O_CREAT, 0644) < 0 && errno == EROFS,
	      "/proc is read-only");
}

int main(int argc, char **argv)
{
	if (argc != 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: musl-guest <guest MiB>\n");
		return 2;
	}
	memory_checks((size_t)atoi(argv[1]));
	file_checks();
	mapped_file_checks();
	proc_checks(argc, argv);
	if (failures)
		return 1;
	puts("guest: ok");
	return 0;
}
