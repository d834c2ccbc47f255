/*
 * Linux threads over the kernel scheduler (kraft/sched.h): what a libc's
 * pthreads need from clone, exit, futex and the thread pointer. Each libc
 * thread is a scheduler thread with a record holding its thread id, its
 * thread pointer (TLS) and the clear-child-tid address.
 *
 * The thread pointer lives in a CPU register the context switch does not
 * know about. Because the scheduler is cooperative, a thread only loses the
 * CPU inside a kernel call, and every such call returns through the
 * system-call dispatcher, which calls the syscall_return this library
 * registers (KSYSCALL_THREADS_REGISTER, kraft/syscall.h): that reloads the
 * register for the returning thread. New threads load theirs first.
 *
 * The libc calls these instead of trapping (see Ports/musl/patches).
 */
#ifndef KRAFT_POSIX_THREAD_H
#define KRAFT_POSIX_THREAD_H

#include <stddef.h>
#include <stdint.h>

/*
 * clone() for threads, with musl's __clone arguments: runs fn(arg) on stack
 * in a new thread whose thread pointer is tls (CLONE_SETTLS). Returns the
 * new thread id or a negative errno; never returns in the child.
 */
int kthread_clone(int (*fn)(void *), void *stack, int flags, void *arg,
                  int *ptid, void *tls, int *ctid);

/* Unmaps [base, base+size) once the calling thread is gone, then exits it. */
__attribute__((noreturn)) void kthread_unmapself(void *base, size_t size);

/*
 * musl's __set_thread_area where no system call sets the thread pointer
 * (aarch64 writes TPIDR_EL0 itself): records tp as the calling thread's,
 * so returning from a later kernel call reloads it, and sets it. Returns 0.
 */
int kthread_set_thread_area(void *tp);

/* The futex operations on one word; results as the futex system call. */
long kfutex_wait(volatile int *addr, int val, uint64_t timeout_ns);
long kfutex_wake(volatile int *addr, int n);
long kfutex_requeue(volatile int *addr, int nwake, int nmove, volatile int *to);

/* The thread id of the calling thread (the main thread is 1). */
int kthread_tid(void);

/* The architecture's thread-pointer register. */
void kthread_arch_set_tp(uintptr_t tp);
/* Starts fn(arg) on stack (16-byte aligned here); returns fn's result. */
int kthread_arch_run_on_stack(int (*fn)(void *), void *arg, void *stack);

#endif /* KRAFT_POSIX_THREAD_H */
