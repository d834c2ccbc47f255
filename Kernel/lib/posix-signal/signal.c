/*
 * Signals within one process: dispositions and the mask are recorded, and a
 * signal sent to ourselves (kill, tkill, tgkill: what raise() and abort()
 * use) is delivered synchronously on the sending thread: a handler is called
 * right there; the default action either ignores the signal or ends the VM
 * with the abort status (kraft/abi.h). A blocked signal stays pending until
 * rt_sigprocmask unblocks it, which is exactly the order abort() relies on.
 * The mask is per thread (see blocked_mask); pending signals are the
 * process's. There are no asynchronous signals (no other process, no timers
 * yet).
 */
#include <stdint.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/print.h>
#include <kraft/syscall.h>

#define NSIG_LINUX   65
#define SIG_BLOCK    0
#define SIG_UNBLOCK  1
#define SIG_SETMASK  2
#define SIG_DFL      0
#define SIG_IGN      1
#define SA_SIGINFO   4
#define SA_RESETHAND 0x80000000UL
#define SIGKILL      9
#define SIGSTOP      19

/* The kernel's struct sigaction on x86_64 and arm64. */
struct ksigaction_linux {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

struct siginfo_linux {
	int si_signo, si_errno, si_code;
	int pad[29];
};

static struct ksigaction_linux actions[NSIG_LINUX];
static uint64_t pending; /* process-wide: there is one process */
static uint64_t process_mask;

/* The thread library's pointer to the running thread's mask, once known. */
static uint64_t *const *running_mask;

static __attribute__((noinline)) uint64_t *asked_mask(void)
{
	const struct ksyscall_threads *threads = ksyscall_threads();
	if (threads && threads->running_signal_mask)
		running_mask = threads->running_signal_mask;
	return threads && threads->signal_mask ? threads->signal_mask()
	                                       : &process_mask;
}

/* The mask is per thread when a thread library is registered (a thread
 * that exits with every signal blocked must not block them for all). Two
 * loads when the thread library keeps the running thread's mask at hand;
 * else (or before it knows the thread) it is asked. */
static inline uint64_t *blocked_mask(void)
{
	if (__builtin_expect(running_mask && *running_mask, 1))
		return *running_mask;
	return asked_mask();
}

static uint64_t bit(long sig)
{
	return 1ULL << (sig - 1);
}

static int ignored_by_default(long sig)
{
	/* SIGCHLD, SIGCONT, SIGURG, SIGWINCH */
	return sig == 17 || sig == 18 || sig == 23 || sig == 28;
}

static void deliver(long sig)
{
	struct ksigaction_linux *a = &actions[sig];

	if (a->handler == SIG_IGN)
		return;
	if (a->handler == SIG_DFL) {
		if (ignored_by_default(sig))
			return;
		kcrit("application ended by signal %ld", sig);
		kcore_abort();
	}
	uintptr_t handler = a->handler;
	uint64_t *blocked = blocked_mask();
	uint64_t saved = *blocked;
	*blocked |= a->mask | bit(sig);
	if (a->flags & SA_RESETHAND)
		a->handler = SIG_DFL;
	if (a->flags & SA_SIGINFO) {
		struct siginfo_linux info = {.si_signo = (int)sig,
		                             .si_code = -6 /* SI_TKILL */};
		((void (*)(int, void *, void *))handler)((int)sig, &info, 0);
	} else {
		((void (*)(int))handler)((int)sig);
	}
	*blocked = saved;
}

static __attribute__((noinline)) void deliver_unblocked(void)
{
	while (pending & ~*blocked_mask()) {
		long sig = __builtin_ctzll(pending & ~*blocked_mask()) + 1;
		pending &= ~bit(sig);
		deliver(sig);
	}
}

/* Nearly always nothing is pending: then a load and a test in the caller,
 * no mask lookup (the thread record), which every rt_sigprocmask would
 * otherwise pay. */
static inline void deliver_pending(void)
{
	if (pending)
		deliver_unblocked();
}

static long send(long sig)
{
	if (sig < 0 || sig >= NSIG_LINUX)
		return -KEINVAL;
	if (sig == 0)
		return 0; /* only a permission check */
	pending |= bit(sig);
	deliver_pending();
	return 0;
}

static long sys_rt_sigaction(long sig, long act, long old, long size, long a4,
                             long a5)
{
	if (sig < 1 || sig >= NSIG_LINUX)
		return -KEINVAL;
	if (old)
		*(struct ksigaction_linux *)old = actions[sig];
	if (act) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -KEINVAL;
		actions[sig] = *(const struct ksigaction_linux *)act;
	}
	return 0;
}
KSYSCALL_REGISTER(rt_sigaction, sys_rt_sigaction);

static long sys_rt_sigprocmask(long how, long set, long old, long size, long a4,
                               long a5)
{
	uint64_t *blocked = blocked_mask();
	if (old)
		*(uint64_t *)old = *blocked;
	if (set) {
		uint64_t s =
		    *(const uint64_t *)set & ~(bit(SIGKILL) | bit(SIGSTOP));
		switch (how) {
		case SIG_BLOCK:
			*blocked |= s;
			break;
		case SIG_UNBLOCK:
			*blocked &= ~s;
			break;
		case SIG_SETMASK:
			*blocked = s;
			break;
		default:
			return -KEINVAL;
		}
		deliver_pending();
	}
	return 0;
}
/* A leaf: a handler it delivers blocks, if at all, in its own system calls;
 * musl calls this four times per thread create + join. */
KSYSCALL_REGISTER_LEAF(rt_sigprocmask, sys_rt_sigprocmask);

static long sys_rt_sigpending(long set, long a1, long a2, long a3, long a4,
                              long a5)
{
	*(uint64_t *)set = pending;
	return 0;
}
KSYSCALL_REGISTER(rt_sigpending, sys_rt_sigpending);

static long sys_kill(long pid, long sig, long a2, long a3, long a4, long a5)
{
	if (pid != 1 && pid != 0 && pid != -1)
		return -KESRCH;
	return send(sig);
}
KSYSCALL_REGISTER(kill, sys_kill);

static long sys_tkill(long tid, long sig, long a2, long a3, long a4, long a5)
{
	return send(sig);
}
KSYSCALL_REGISTER(tkill, sys_tkill);

static long sys_tgkill(long tgid, long tid, long sig, long a3, long a4, long a5)
{
	if (tgid != 1)
		return -KESRCH;
	return send(sig);
}
KSYSCALL_REGISTER(tgkill, sys_tgkill);

/* The kernel's stack_t on x86_64 and arm64. */
struct stack_linux {
	uintptr_t sp;
	int flags;
	unsigned long size;
};

#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ   2048

/*
 * The alternate signal stack is recorded and reported as Linux does
 * (faulthandler and other crash reporters install one at start-up), but
 * handlers keep running on the sending thread's stack: delivery here is
 * synchronous, from kill/tkill/tgkill, never from a fault, which is what an
 * alternate stack exists for (a fault is reported by the kernel as a crash).
 * One record for the process, like the dispositions.
 */
static struct stack_linux alternate = {.flags = SS_DISABLE};

static long sys_sigaltstack(long ss, long old, long a2, long a3, long a4,
                            long a5)
{
	struct stack_linux previous = alternate;
	if (ss) {
		struct stack_linux wanted = *(const struct stack_linux *)ss;
		unsigned int mode = (unsigned int)wanted.flags & ~SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE)
			return -KEINVAL;
		if (mode == SS_DISABLE) {
			wanted = (struct stack_linux){.flags = SS_DISABLE};
		} else if (wanted.size < MINSIGSTKSZ) {
			return -KENOMEM;
		}
		alternate = wanted;
	}
	if (old)
		*(struct stack_linux *)old = previous;
	return 0;
}
KSYSCALL_REGISTER(sigaltstack, sys_sigaltstack);
