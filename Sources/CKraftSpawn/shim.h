/*
 * Starting a virtual machine monitor so that it never outlives kraft.
 *
 * posix_spawn cannot ask the kernel to kill the child when its parent dies
 * (PR_SET_PDEATHSIG), and prctl is variadic, so Swift cannot call it: the
 * fork-to-exec window lives here, in C, and calls only async-signal-safe
 * functions (the parent may have other threads).
 */
#ifndef KRAFT_SPAWN_SHIM_H
#define KRAFT_SPAWN_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* pipe2(fds, O_CLOEXEC): glibc declares pipe2 only for _GNU_SOURCE. */
static inline int kraft_pipe_cloexec(int fds[2])
{
	return (int)syscall(SYS_pipe2, fds, O_CLOEXEC);
}

/*
 * Closes every descriptor from 3 up except keep: the monitor must not hold
 * what kraft inherited (a test runner's socket that tells it kraft exited, a
 * pipe whose reader waits for its end).
 */
static inline void kraft_close_inherited(int keep)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, keep - 1, 0) == 0 &&
	    syscall(SYS_close_range, keep + 1, ~0U, 0) == 0)
		return;
#endif
	long limit = sysconf(_SC_OPEN_MAX);
	if (limit < 0 || limit > 65536)
		limit = 65536;
	for (int fd = 3; fd < limit; fd++)
		if (fd != keep)
			close(fd);
}

/* How the child is tied to kraft. */
enum kraft_spawn_mode {
	/* Killed (SIGKILL) when kraft dies, even by kill -9. */
	KRAFT_SPAWN_TIED = 0,
	/* In a session of its own: survives kraft (kraft run --detach). */
	KRAFT_SPAWN_DETACHED = 1,
};

/*
 * Forks and executes path with argv and envp. stdin_fd and output_fd become
 * the child's stdin and its stdout and stderr. Signal dispositions kraft
 * changed and its signal mask are reset, so the child sees SIGINT and SIGTERM
 * as a shell would have started it. Returns the pid, or -1 with errno set.
 * When exec fails the child exits with 127 and the errno is written to
 * error_fd (close-on-exec), so the parent can tell a failed exec from a
 * program that exited 127.
 */
static inline pid_t kraft_spawn(const char *path, char *const argv[],
                                char *const envp[], const char *directory,
                                int stdin_fd, int output_fd, int error_fd,
                                int mode)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return pid;

	if (mode == KRAFT_SPAWN_TIED) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* kraft died between fork and prctl: nobody will kill us. */
		if (getppid() != parent)
			_exit(127);
	} else {
		setsid();
	}
	int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD};
	for (unsigned i = 0; i < sizeof handled / sizeof handled[0]; i++)
		signal(handled[i], SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);

	if (stdin_fd != 0 && dup2(stdin_fd, 0) < 0)
		goto fail;
	if (output_fd != 1 && dup2(output_fd, 1) < 0)
		goto fail;
	if (output_fd != 2 && dup2(output_fd, 2) < 0)
		goto fail;
	if (directory && chdir(directory) < 0)
		goto fail;
	kraft_close_inherited(error_fd);
	execve(path, argv, envp);
fail:;
	int error = errno;
	ssize_t ignored = write(error_fd, &error, sizeof error);
	(void)ignored;
	_exit(127);
}

/*
 * Stopping the children when kraft is asked to stop. The handler records the
 * first signal and passes SIGTERM on to every tied child (QEMU then shuts
 * down cleanly); kraft's read loop sees the record, escalates to SIGKILL
 * after a grace period, and exits with 128 + the signal once the child is
 * reaped. Only async-signal-safe work happens in the handler. Several VMs may
 * run at once in one process (the tests do): the handlers are installed by
 * the first and the previous ones restored by the last.
 *
 * The state lives in function-local statics: Swift emits a header's inline
 * functions into each object that calls them, but never a header's globals.
 * Being static, each Swift file calling these gets its own copy, so only
 * MonitorProcess.swift may call them.
 */
#define KRAFT_MAX_TIED 16

static inline volatile sig_atomic_t *kraft_signal_record(void)
{
	static volatile sig_atomic_t received;
	return &received;
}

static inline pid_t *kraft_signal_targets(void)
{
	static pid_t targets[KRAFT_MAX_TIED];
	return targets;
}

static inline void kraft_forward_handler(int signo)
{
	if (!*kraft_signal_record())
		*kraft_signal_record() = signo;
	for (int i = 0; i < KRAFT_MAX_TIED; i++) {
		pid_t target = __atomic_load_n(&kraft_signal_targets()[i],
		                               __ATOMIC_SEQ_CST);
		if (target > 0)
			kill(target, SIGTERM);
	}
}

/*
 * enable: catch SIGINT, SIGTERM and SIGHUP (before the child exists, so a
 * signal in between is recorded, not fatal); otherwise the end of one use.
 */
static inline void kraft_catch_signals(int enable)
{
	/* One lock over the count and the handler swap: with only an atomic
	 * count, a run starting while the last one restores could save the
	 * forwarding handler as "previous" and leave it installed for good. */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static int users;
	static struct sigaction previous[3];
	const int caught[3] = {SIGINT, SIGTERM, SIGHUP};
	pthread_mutex_lock(&lock);
	if (enable) {
		if (users++ == 0) {
			*kraft_signal_record() = 0;
			struct sigaction action = {0};
			action.sa_handler = kraft_forward_handler;
			action.sa_flags = SA_RESTART;
			sigemptyset(&action.sa_mask);
			sigset_t unblock;
			sigemptyset(&unblock);
			for (int i = 0; i < 3; i++) {
				sigaction(caught[i], &action, &previous[i]);
				sigaddset(&unblock, caught[i]);
			}
			/* A parent may have started kraft with these blocked (a
			 * test runner does): blocked, they would never reach the
			 * handler. */
			sigprocmask(SIG_UNBLOCK, &unblock, 0);
		}
	} else if (--users == 0) {
		for (int i = 0; i < 3; i++)
			sigaction(caught[i], &previous[i], 0);
	}
	pthread_mutex_unlock(&lock);
}

/*
 * From now on, caught signals are passed on to pid as SIGTERM. Returns 0 when
 * every slot is taken; the read loop still stops that VM on the record.
 */
static inline int kraft_forward_signals_to(pid_t pid)
{
	for (int i = 0; i < KRAFT_MAX_TIED; i++) {
		pid_t empty = 0;
		if (__atomic_compare_exchange_n(
		        &kraft_signal_targets()[i], &empty, pid, 0,
		        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 1;
	}
	return 0;
}

/* Stops forwarding to pid (before it is reaped and its pid reused). */
static inline void kraft_stop_forwarding(pid_t pid)
{
	for (int i = 0; i < KRAFT_MAX_TIED; i++) {
		pid_t expected = pid;
		__atomic_compare_exchange_n(&kraft_signal_targets()[i],
		                            &expected, 0, 0, __ATOMIC_SEQ_CST,
		                            __ATOMIC_SEQ_CST);
	}
}

/* The first signal received while catching, or 0. */
static inline int kraft_forwarded_signal(void)
{
	return *kraft_signal_record();
}

#endif
