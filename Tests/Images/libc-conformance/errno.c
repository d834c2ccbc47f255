/* errno values on bad input, and an unimplemented system call. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define FAILS_WITH(call, code) ((errno = 0), (call) == -1 && errno == (code))

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	caught = sig;
}

void run_errno(void)
{
	char buf[8];
	struct stat st;
	CHECK("open missing ENOENT",
	      FAILS_WITH(open("/no/such/file", O_RDONLY), ENOENT));
	CHECK("open existing O_EXCL EEXIST",
	      FAILS_WITH(
	          open("/etc/sample.txt", O_CREAT | O_EXCL | O_WRONLY, 0644),
	          EEXIST));
	CHECK("open dir for writing EISDIR",
	      FAILS_WITH(open("/etc", O_WRONLY), EISDIR));
	CHECK("open through a file ENOTDIR",
	      FAILS_WITH(open("/etc/sample.txt/x", O_RDONLY), ENOTDIR));
	CHECK("read bad fd EBADF", FAILS_WITH(read(99, buf, 1), EBADF));
	CHECK("close bad fd EBADF", FAILS_WITH(close(-1), EBADF));
	CHECK("write to read-only fd EBADF",
	      FAILS_WITH(write(open("/etc/sample.txt", O_RDONLY), "x", 1),
	                 EBADF));
	CHECK("lseek negative EINVAL",
	      FAILS_WITH(
	          lseek(0 + open("/etc/sample.txt", O_RDONLY), -5, SEEK_SET),
	          EINVAL));
	int p[2];
	pipe(p);
	CHECK("lseek on pipe ESPIPE",
	      FAILS_WITH(lseek(p[0], 0, SEEK_SET), ESPIPE));
	close(p[0]);
	close(p[1]);
	CHECK("mkdir existing EEXIST", FAILS_WITH(mkdir("/etc", 0755), EEXIST));
	CHECK("rmdir non-empty ENOTEMPTY",
	      FAILS_WITH(rmdir("/etc"), ENOTEMPTY));
	CHECK("unlink directory EISDIR", FAILS_WITH(unlink("/etc"), EISDIR));
	CHECK("stat missing ENOENT", FAILS_WITH(stat("/missing", &st), ENOENT));
	CHECK("chdir to file ENOTDIR",
	      FAILS_WITH(chdir("/etc/sample.txt"), ENOTDIR));
	CHECK("dup3 same fd EINVAL", FAILS_WITH(dup3(1, 1, 0), EINVAL));
	struct timespec bad = {0, 2000000000};
	CHECK("nanosleep bad nsec EINVAL",
	      FAILS_WITH(nanosleep(&bad, 0), EINVAL));
	CHECK("clock_gettime bad clock EINVAL",
	      FAILS_WITH(clock_gettime(12345, &bad), EINVAL));
	errno = 0;
	CHECK("sqrt(-1) EDOM",
	      isnan(sqrt(-1.0)) &&
	          (math_errhandling & MATH_ERRNO ? errno == EDOM : 1));
	CHECK("strtol invalid base EINVAL",
	      ((errno = 0), strtol("1", 0, 99) == 0 && errno == EINVAL));
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	CHECK("unlock unowned mutex",
	      pthread_mutex_unlock(&m) == 0 || errno != 0);
	/* An unimplemented system call: -ENOSYS, logged once by the kernel
	 * (the boot test counts the log line). */
	CHECK("unimplemented syscall ENOSYS",
	      FAILS_WITH(syscall(SYS_fanotify_init, 0, 0), ENOSYS));
	CHECK("unimplemented syscall again ENOSYS",
	      FAILS_WITH(syscall(SYS_fanotify_init, 0, 0), ENOSYS));
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	CHECK("sigaction", sigaction(SIGUSR1, &sa, 0) == 0);
	CHECK("raise runs handler", raise(SIGUSR1) == 0 && caught == SIGUSR1);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	caught = 0;
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	int held = caught == 0;
	sigprocmask(SIG_SETMASK, &old, 0);
	CHECK("blocked signal delivered on unblock", held && caught == SIGUSR1);
	CHECK("signal SIG_IGN",
	      signal(SIGUSR2, SIG_IGN) != SIG_ERR && raise(SIGUSR2) == 0);
	CHECK("getpid", getpid() == 1);
	CHECK("kill bad pid ESRCH", FAILS_WITH(kill(4242, SIGUSR1), ESRCH));
}
