/*
 * Threads: a cooperative scheduler. A thread runs until it yields, sleeps,
 * blocks (join, mutex, semaphore, wait queue) or exits. When nothing can run
 * the CPU halts until the timer wakes the earliest sleeper. Nothing here may
 * be called from an interrupt handler, and all of it keeps interrupts off
 * while it works, so preemption can be added later without new races.
 *
 * Error contract: functions returning int give 0 or a negative errno
 * (kraft/kerrno.h). Misuse that breaks an invariant (unlocking a mutex one
 * does not hold, a deadlock of every thread) panics.
 */
#ifndef KRAFT_SCHED_H
#define KRAFT_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

struct wait_queue {
	struct thread *head, *tail;
};

#define WAIT_QUEUE_INIT                                                        \
	{                                                                      \
		0, 0                                                           \
	}

/* Creates a runnable thread calling fn(arg); -KENOMEM if no memory. */
int sched_thread_create(struct thread **out, const char *name,
                        void *(*fn)(void *), void *arg);
/* Frees the thread itself when it exits; it can no longer be joined. */
void sched_thread_detach(struct thread *t);
/* Waits for t to exit and frees it; -KEDEADLK when t is the caller,
 * -KEINVAL when t is detached. */
int sched_join(struct thread *t, void **retval);
__attribute__((noreturn)) void sched_exit(void *retval);

/* Not sched_yield: that name is POSIX's, and a libc defines it. */
void sched_thread_yield(void);
void sched_sleep_ns(uint64_t ns);
void sched_sleep_until(uint64_t deadline_ns);

struct thread *sched_current(void);
/* Context switches so far. A caller that reads the same count before and
 * after a call knows the call ran on one thread throughout (the system-call
 * layer skips its after-switch work that way). */
extern unsigned long sched_switches;
const char *sched_thread_name(const struct thread *t);

/* Blocks the caller until woken. */
void wait_queue_sleep(struct wait_queue *wq);
/* Blocks the caller until woken or until the monotonic clock reaches
 * deadline_ns: 0 when woken, -KETIMEDOUT when the time ran out. */
int wait_queue_sleep_until(struct wait_queue *wq, uint64_t deadline_ns);
/* Make the first (or every) waiter runnable; return how many woke. */
unsigned wait_queue_wake_one(struct wait_queue *wq);
unsigned wait_queue_wake_all(struct wait_queue *wq);

struct kmutex {
	struct thread *owner;
	struct wait_queue waiters;
};

#define KMUTEX_INIT                                                            \
	{                                                                      \
		0, WAIT_QUEUE_INIT                                             \
	}

void kmutex_init(struct kmutex *m);
void kmutex_lock(struct kmutex *m);
/* 0, or -KEBUSY when another thread holds it. */
int kmutex_trylock(struct kmutex *m);
void kmutex_unlock(struct kmutex *m);

struct ksem {
	long count;
	struct wait_queue waiters;
};

void ksem_init(struct ksem *s, long count);
void ksem_down(struct ksem *s);
/* 0, or -KETIMEDOUT when the count stayed zero until deadline_ns. */
int ksem_down_until(struct ksem *s, uint64_t deadline_ns);
/* 0, or -KEAGAIN when the count is zero. */
int ksem_trydown(struct ksem *s);
void ksem_up(struct ksem *s);

/*
 * Polling before halting. When no thread can run, the scheduler first polls
 * for up to CONFIG_SCHED_IDLE_POLL_US (never past the earliest sleeper's
 * deadline) before it halts the CPU: a device whose next event is near (a
 * network device between a server's answer and the next request) is then
 * found by looking rather than by an interrupt that must wake a halted CPU.
 * Under a hypervisor that is the costly part: the host's thread that
 * received the frame has to inject the interrupt and wake the sleeping vCPU
 * thread. mode(true) is called when polling starts (a device may stop
 * interrupting for what poll looks for), mode(false) when it ends; poll
 * returns true when it found work and queued it (kirq_defer). Both run
 * with interrupts off, in thread context. Registered through a linker
 * section; an image without pollers halts at once as before.
 */
struct sched_idle_poller {
	void (*mode)(bool polling);
	bool (*poll)(void);
};
#define SCHED_IDLE_POLL_REGISTER(name, mode_fn, poll_fn)                       \
	static const struct sched_idle_poller sched_idle_poller_##name         \
	    __attribute__((used, retain, section("sched_idle_pollers"),        \
	                   aligned(sizeof(long)))) = {mode_fn, poll_fn}

#endif /* KRAFT_SCHED_H */
