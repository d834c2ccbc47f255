/*
 * Thread records, clone, thread exit and the thread pointer (see
 * kraft/posix_thread.h). Records sit on one list searched by scheduler
 * thread; the last lookup is cached because nearly every system call asks.
 * The main thread's record (tid 1) is made on first use.
 */
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/posix_thread.h>
#include <kraft/print.h>
#include <kraft/sched.h>
#include <kraft/syscall.h>

#define CLONE_VM             0x00000100
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_THREAD         0x00010000
#define ARCH_SET_FS          0x1002
#define ARCH_GET_FS          0x1003

struct kposix_thread {
	struct thread *thread;
	int tid;
	uintptr_t tp;
	int *clear_tid;
	uint64_t sigmask;
	int (*fn)(void *);
	void *arg;
	void *stack;
	struct kposix_thread *next;
};

struct pending_unmap {
	void *base;
	size_t size;
	struct pending_unmap *next;
};

static struct kposix_thread *threads;
static struct kposix_thread *cached;
static int next_tid = 2;
static int live_threads = 1;
static uintptr_t loaded_tp;
/* The running thread's signal mask (.running_signal_mask): set wherever the
 * running thread's record is found, so also after every switch. */
static uint64_t *running_mask;
static struct pending_unmap *pending_unmaps;

static struct kposix_thread *current_record(void)
{
	struct thread *self = sched_current();

	if (cached && cached->thread == self)
		return cached;
	for (struct kposix_thread *r = threads; r; r = r->next)
		if (r->thread == self) {
			running_mask = &r->sigmask;
			return cached = r;
		}
	/* Only the main thread runs without a record. */
	struct kposix_thread *r = kcalloc(1, sizeof(*r));
	if (!r)
		kpanic("out of memory for the main thread's record");
	r->thread = self;
	r->tid = 1;
	r->next = threads;
	threads = r;
	running_mask = &r->sigmask;
	return cached = r;
}

static void remove_record(struct kposix_thread *gone)
{
	for (struct kposix_thread **l = &threads; *l; l = &(*l)->next)
		if (*l == gone) {
			*l = gone->next;
			break;
		}
	if (cached == gone)
		cached = 0;
	if (running_mask == &gone->sigmask)
		running_mask = 0; /* until the next thread's record is found */
}

static uint64_t *thread_signal_mask(void)
{
	return &current_record()->sigmask;
}

int kthread_tid(void)
{
	return current_record()->tid;
}

static void load_tp(uintptr_t tp)
{
	kthread_arch_set_tp(tp);
	loaded_tp = tp;
}

/* Stacks of threads that unmapped themselves are off the CPU now. */
static void unmap_exited_stacks(void)
{
	while (pending_unmaps) {
		struct pending_unmap *p = pending_unmaps;
		pending_unmaps = p->next;
		ksyscall(KSYS_munmap, (long)p->base, (long)p->size, 0, 0, 0, 0);
		kfree(p);
	}
}

/* Runs only after a call during which other threads ran (see .switches). */
static void thread_syscall_return(void)
{
	struct kposix_thread *self = current_record();
	if (self->tp != loaded_tp)
		load_tp(self->tp);
	running_mask = &self->sigmask; /* current_record may have hit its cache */
	unmap_exited_stacks();
}

static const struct ksyscall_threads thread_ops = {
    .syscall_return = thread_syscall_return,
    .signal_mask = thread_signal_mask,
    .switches = &sched_switches,
    .running_signal_mask = &running_mask,
};
KSYSCALL_THREADS_REGISTER(thread_ops);

/* Ends the calling libc thread the way Linux's exit() does for a thread. */
static __attribute__((noreturn)) void thread_exit(int status)
{
	struct kposix_thread *self = current_record();

	if (self->clear_tid) {
		*self->clear_tid = 0;
		kfutex_wake(self->clear_tid, 1);
	}
	if (--live_threads == 0)
		kcore_exit(status); /* the last thread's end is the app's */
	if (self->tid == 1) {
		/* The main thread left with pthread_exit; the others run on,
		 * and it waits here for good (its stack is the boot stack). */
		struct wait_queue never = WAIT_QUEUE_INIT;
		remove_record(self);
		for (;;)
			wait_queue_sleep(&never);
	}
	remove_record(self);
	kfree(self);
	sched_exit(0);
}

static void *thread_start(void *arg)
{
	struct kposix_thread *self = arg;
	load_tp(self->tp);
	running_mask = &self->sigmask;
	unmap_exited_stacks();
	thread_exit(
	    kthread_arch_run_on_stack(self->fn, self->arg, self->stack));
}

int kthread_clone(int (*fn)(void *), void *stack, int flags, void *arg,
                  int *ptid, void *tls, int *ctid)
{
	struct kposix_thread *parent = current_record();

	if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD) || !stack)
		return -KEINVAL; /* only threads: there is one process */
	/* kmalloc and one initialiser, not kcalloc: the compiler stores the
	 * few fields directly instead of a kmemset call per thread. */
	struct kposix_thread *r = kmalloc(sizeof(*r));
	if (!r)
		return -KENOMEM;
	*r = (struct kposix_thread){
	    .tid = next_tid++,
	    .tp = (flags & CLONE_SETTLS) ? (uintptr_t)tls : parent->tp,
	    .clear_tid = (flags & CLONE_CHILD_CLEARTID) ? ctid : 0,
	    .sigmask = parent->sigmask,
	    .fn = fn,
	    .arg = arg,
	    .stack = stack,
	};
	int err = sched_thread_create(&r->thread, "pthread", thread_start, r);
	if (err) {
		kfree(r);
		return err;
	}
	/* The record is the libc's handle; the scheduler frees its own. */
	sched_thread_detach(r->thread);
	r->next = threads;
	threads = r;
	live_threads++;
	if (flags & CLONE_PARENT_SETTID)
		*ptid = r->tid;
	return r->tid;
}

void kthread_unmapself(void *base, size_t size)
{
	struct pending_unmap *p = kmalloc(sizeof(*p));
	if (p) { /* without memory the stack leaks, which is harmless */
		*p = (struct pending_unmap){base, size, pending_unmaps};
		pending_unmaps = p;
	}
	thread_exit(0);
}

int kthread_set_thread_area(void *tp)
{
	struct kposix_thread *self = current_record();
	self->tp = (uintptr_t)tp;
	load_tp(self->tp);
	return 0;
}

static long sys_exit(long status, long a1, long a2, long a3, long a4, long a5)
{
	thread_exit((int)status);
}
KSYSCALL_REGISTER(exit, sys_exit);

static long sys_gettid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return kthread_tid();
}
KSYSCALL_REGISTER_LEAF(gettid, sys_gettid);

static long sys_set_tid_address(long ptr, long a1, long a2, long a3, long a4,
                                long a5)
{
	struct kposix_thread *self = current_record();
	self->clear_tid = (int *)ptr;
	return self->tid;
}
KSYSCALL_REGISTER(set_tid_address, sys_set_tid_address);

static long sys_arch_prctl(long code, long addr, long a2, long a3, long a4,
                           long a5)
{
	struct kposix_thread *self = current_record();
	switch (code) {
	case ARCH_SET_FS:
		self->tp = (uintptr_t)addr;
		load_tp(self->tp);
		return 0;
	case ARCH_GET_FS:
		*(uintptr_t *)addr = self->tp;
		return 0;
	}
	return -KEINVAL;
}
KSYSCALL_REGISTER(arch_prctl, sys_arch_prctl);

static long sys_sched_yield(long a0, long a1, long a2, long a3, long a4,
                            long a5)
{
	sched_thread_yield();
	return 0;
}
KSYSCALL_REGISTER(sched_yield, sys_sched_yield);

static long sys_sched_getaffinity(long pid, long size, long mask, long a3,
                                  long a4, long a5)
{
	if (size < (long)sizeof(long))
		return -KEINVAL;
	for (long i = 0; i < size; i++)
		((unsigned char *)mask)[i] = i == 0; /* one CPU */
	return sizeof(long);
}
KSYSCALL_REGISTER(sched_getaffinity, sys_sched_getaffinity);

static long sys_membarrier(long cmd, long flags, long a2, long a3, long a4,
                           long a5)
{
	/* One CPU, and threads switch only inside kernel calls: every
	 * barrier is already satisfied. QUERY (0) reports the commands. */
	return cmd == 0 ? 0x1 | 0x8 | 0x10 : 0;
}
KSYSCALL_REGISTER(membarrier, sys_membarrier);
