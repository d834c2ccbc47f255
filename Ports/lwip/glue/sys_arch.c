/*
 * lwIP's operating-system layer (sys_arch) on kraft's cooperative scheduler:
 * semaphores, mutexes and threads are the kernel's, timed waits use the
 * scheduler's deadline wait, a mailbox is a ring of pointers with a counting
 * semaphore for filled slots and one for free slots. SYS_ARCH_PROTECT is
 * empty (SYS_LIGHTWEIGHT_PROT 0, lwipopts.h): it guards lwIP's short
 * critical sections (pbuf reference counts, pool lists, a socket's event
 * counts) against a thread that preempts another or an interrupt handler
 * that enters lwIP, and neither happens here: the kernel's threads are
 * cooperative, no section blocks, and drivers' interrupt handlers only
 * queue work for thread context (netdev_notify_rx, netdev_tx_done run
 * there). It cost about 30 interrupt-flag saves and restores per request of
 * a small-page server, and under QEMU's TCG each restore (popf) also ends a
 * translated block. lwIP's own timers run on the tcpip thread
 * (sys_timeouts), so only sys_now is needed from the clock.
 */
#include <stdarg.h>
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/ktime.h>
#include <kraft/print.h>
#include <kraft/sched.h>

#include "lwip/opt.h"
#include "lwip/sys.h"

void *kraft_lwip_malloc(size_t size)
{
	return kmalloc(size);
}

void *kraft_lwip_calloc(size_t n, size_t size)
{
	return kcalloc(n, size);
}

void kraft_lwip_free(void *ptr)
{
	kfree(ptr);
}

unsigned kraft_lwip_rand(void)
{
	/* xorshift seeded by the clock: lwIP wants unpredictable ports and
	 * sequence numbers, not cryptographic randomness. */
	static uint64_t state;
	if (!state)
		state = ktime_monotonic_ns() ^ ktime_wall_ns() ^
		        0x9e3779b97f4a7c15ull;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned)(state >> 16);
}

void kraft_lwip_diag(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	kprintf("lwip: %s", line);
}

void kraft_lwip_assert(const char *message, const char *file, int line)
{
	kpanic("lwip: assertion \"%s\" failed at %s:%d", message, file, line);
}

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return (u32_t)(ktime_monotonic_ns() / KTIME_NS_PER_MS);
}

/* The deadline of a wait of timeout_ms (0: for ever). */
static uint64_t deadline_of(u32_t timeout_ms)
{
	return ktime_monotonic_ns() + (uint64_t)timeout_ms * KTIME_NS_PER_MS;
}

static u32_t elapsed_ms(uint64_t start)
{
	uint64_t ms = (ktime_monotonic_ns() - start) / KTIME_NS_PER_MS;
	return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

/* Down on s, for at most timeout_ms (0: for ever): 0 or -KETIMEDOUT. */
static int sem_down(struct ksem *s, u32_t timeout_ms)
{
	if (!timeout_ms) {
		ksem_down(s);
		return 0;
	}
	return ksem_down_until(s, deadline_of(timeout_ms));
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	ksem_init(&sem->sem, count);
	sem->valid = 1;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	sem->valid = 0;
}

void sys_sem_signal(sys_sem_t *sem)
{
	ksem_up(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t start = ktime_monotonic_ns();
	if (sem_down(&sem->sem, timeout))
		return SYS_ARCH_TIMEOUT;
	return elapsed_ms(start);
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
	kmutex_init(&mutex->mutex);
	mutex->valid = 1;
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
	mutex->valid = 0;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
	kmutex_lock(&mutex->mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	kmutex_unlock(&mutex->mutex);
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	if (size <= 0)
		size = TCPIP_MBOX_SIZE;
	mbox->slots = kcalloc((size_t)size, sizeof(void *));
	if (!mbox->slots)
		return ERR_MEM;
	mbox->size = size;
	mbox->head = mbox->count = 0;
	ksem_init(&mbox->filled, 0);
	ksem_init(&mbox->free, size);
	mbox->valid = 1;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	kfree(mbox->slots);
	mbox->slots = 0;
	mbox->valid = 0;
}

/* Posts come from threads only (a driver's receive notification is
 * deferred work), and threads are cooperative: the ring needs no guard. */
static void put(sys_mbox_t *mbox, void *msg)
{
	mbox->slots[(mbox->head + mbox->count) % mbox->size] = msg;
	mbox->count++;
	ksem_up(&mbox->filled);
}

static void *take(sys_mbox_t *mbox)
{
	void *msg = mbox->slots[mbox->head];
	mbox->head = (mbox->head + 1) % mbox->size;
	mbox->count--;
	ksem_up(&mbox->free);
	return msg;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	ksem_down(&mbox->free);
	put(mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	if (ksem_trydown(&mbox->free))
		return ERR_MEM;
	put(mbox, msg);
	return ERR_OK;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	uint64_t start = ktime_monotonic_ns();
	if (sem_down(&mbox->filled, timeout))
		return SYS_ARCH_TIMEOUT;
	void *m = take(mbox);
	if (msg)
		*msg = m;
	return elapsed_ms(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	if (ksem_trydown(&mbox->filled))
		return SYS_MBOX_EMPTY;
	void *m = take(mbox);
	if (msg)
		*msg = m;
	return 0;
}

/* lwIP's thread functions return void, the scheduler's a value: each thread
 * starts in thread_start with its function and argument in a small record. */
struct thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_start(void *arg)
{
	struct thread_start s = *(struct thread_start *)arg;
	kfree(arg);
	s.fn(s.arg);
	return 0;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn thread, void *arg,
                            int stacksize, int prio)
{
	struct thread *t;
	struct thread_start *s = kmalloc(sizeof(*s));
	if (!s)
		kpanic("lwip: out of memory starting thread '%s'", name);
	s->fn = thread;
	s->arg = arg;
	if (sched_thread_create(&t, name, thread_start, s))
		kpanic("lwip: cannot start thread '%s'", name);
	sched_thread_detach(t);
	return t;
}
