/* File I/O: the rootfs, stdio on files, descriptors, directories, pipes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "check.h"

void run_files(void)
{
	char buf[256];
	FILE *f = fopen("/etc/sample.txt", "r");
	CHECK("fopen rootfs file", f != 0);
	CHECK("fgets line 1",
	      f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "line one\n"));
	CHECK("fgets line 2",
	      f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "line two\n"));
	CHECK("feof", f && !fgets(buf, sizeof(buf), f) && feof(f));
	if (f)
		fclose(f);

	int fd = open("/work.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK("open O_CREAT", fd >= 3);
	CHECK("write", write(fd, "hello world", 11) == 11);
	CHECK("lseek SEEK_SET", lseek(fd, 6, SEEK_SET) == 6);
	CHECK("read after seek",
	      read(fd, buf, 5) == 5 && !memcmp(buf, "world", 5));
	CHECK("read at eof", read(fd, buf, 5) == 0);
	CHECK("pread", pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
	CHECK("pwrite", pwrite(fd, "HELLO", 5, 0) == 5 &&
	                    pread(fd, buf, 11, 0) == 11 &&
	                    !memcmp(buf, "HELLO world", 11));
	struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
	lseek(fd, 0, SEEK_END);
	CHECK("writev", writev(fd, iov, 2) == 4);
	struct stat st;
	CHECK("fstat size",
	      fstat(fd, &st) == 0 && st.st_size == 15 && S_ISREG(st.st_mode));
	CHECK("ftruncate",
	      ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	int copy = dup(fd);
	CHECK("dup shares offset", copy > fd && lseek(fd, 2, SEEK_SET) == 2 &&
	                               lseek(copy, 0, SEEK_CUR) == 2);
	CHECK("dup2", dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0);
	CHECK("fcntl cloexec", fcntl(copy, F_SETFD, FD_CLOEXEC) == 0 &&
	                           fcntl(copy, F_GETFD) == FD_CLOEXEC);
	CHECK("fcntl getfl", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	close(copy);
	close(20);
	CHECK("close", close(fd) == 0);
	CHECK("stat path", stat("/work.txt", &st) == 0 && st.st_size == 5);
	CHECK("mkdir", mkdir("/dir", 0755) == 0 && stat("/dir", &st) == 0 &&
	                   S_ISDIR(st.st_mode));
	CHECK("rename", rename("/work.txt", "/dir/moved.txt") == 0 &&
	                    access("/dir/moved.txt", F_OK) == 0 &&
	                    access("/work.txt", F_OK) != 0);
	CHECK("chdir getcwd", chdir("/dir") == 0 && getcwd(buf, sizeof(buf)) &&
	                          !strcmp(buf, "/dir"));
	CHECK("relative open",
	      (fd = open("moved.txt", O_RDONLY)) >= 0 && close(fd) == 0);
	chdir("/");
	DIR *d = opendir("/dir");
	int seen = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		seen += !strcmp(e->d_name, "moved.txt") ||
		        !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	CHECK("readdir", seen == 3);
	CHECK("unlink", unlink("/dir/moved.txt") == 0 &&
	                    access("/dir/moved.txt", F_OK) != 0);
	CHECK("rmdir", rmdir("/dir") == 0);
	f = fopen("/append.txt", "w");
	fputs("one\n", f);
	fclose(f);
	f = fopen("/append.txt", "a");
	fprintf(f, "two %d\n", 2);
	fclose(f);
	f = fopen("/append.txt", "r");
	size_t got = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	CHECK("fopen append", got == 10 && !memcmp(buf, "one\ntwo 2\n", 10));
	int p[2];
	CHECK("pipe2", pipe2(p, O_CLOEXEC) == 0);
	struct pollfd pfd = {p[0], POLLIN, 0};
	CHECK("poll empty pipe times out", poll(&pfd, 1, 10) == 0);
	write(p[1], "pipe!", 5);
	CHECK("poll readable pipe",
	      poll(&pfd, 1, 100) == 1 && (pfd.revents & POLLIN));
	CHECK("read pipe",
	      read(p[0], buf, sizeof(buf)) == 5 && !memcmp(buf, "pipe!", 5));
	close(p[1]);
	CHECK("read pipe eof", read(p[0], buf, sizeof(buf)) == 0);
	close(p[0]);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, 8);
	CHECK("/dev/zero", read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0);
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	CHECK("/dev/null", write(fd, "x", 1) == 1);
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	unsigned long r1 = 0, r2 = 0;
	CHECK("/dev/urandom",
	      read(fd, &r1, 8) == 8 && read(fd, &r2, 8) == 8 && r1 != r2);
	close(fd);
	CHECK("isatty stdout", isatty(1));
	CHECK("fileno stdin", fileno(stdin) == 0);
}
