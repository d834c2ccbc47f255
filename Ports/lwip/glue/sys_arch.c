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
#include <kraft/kerrno.h>
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

/*
 * The mutexes and semaphores lwIP takes (its core lock, a netconn's
 * operation-done semaphore, the mailboxes' counts) are taken and given by
 * threads only: no lwIP code runs in an interrupt handler, and a driver's
 * receive notification is deferred work, which runs inside schedule() (so
 * after a waiter has queued itself) or at the start of a wait, never
 * between a test below and the sleep or store after it. Threads are
 * cooperative, so those paths need no interrupt-flag save and restore,
 * which the kernel's kmutex and ksem take on every call (they may be given
 * from an interrupt handler). Under QEMU's TCG each restore that enables
 * interrupts (sti) ends a translated block and returns to QEMU's execution
 * loop; these paths made 31 of the 52 saves per request of a small-page
 * server (docs/nginx.md, "The guest's share, the allocator and thread-only
 * locks"). Only a sleep or a wake goes through the scheduler's wait
 * queues, which guard themselves. The same structures as the kernel's,
 * used only through these functions.
 */
static void thread_mutex_lock(struct kmutex *m)
{
	struct thread *self = sched_current();
	if (m->owner == self)
		kpanic("lwip: thread '%s' took a lock it holds",
		       sched_thread_name(self));
	while (m->owner)
		wait_queue_sleep(&m->waiters);
	m->owner = self;
}

static void thread_mutex_unlock(struct kmutex *m)
{
	m->owner = 0;
	if (m->waiters.head)
		wait_queue_wake_one(&m->waiters);
}

static void thread_sem_up(struct ksem *s)
{
	s->count++;
	if (s->waiters.head)
		wait_queue_wake_one(&s->waiters);
}

/* 0, or -KEAGAIN when the count is zero. */
static int thread_sem_trydown(struct ksem *s)
{
	if (s->count <= 0)
		return -KEAGAIN;
	s->count--;
	return 0;
}

/* Down on s, for at most timeout_ms (0: for ever): 0 or -KETIMEDOUT. */
static int sem_down(struct ksem *s, u32_t timeout_ms)
{
	uint64_t deadline = timeout_ms ? deadline_of(timeout_ms) : 0;
	int err = 0;
	while (s->count <= 0 && !err) {
		if (timeout_ms)
			err = wait_queue_sleep_until(&s->waiters, deadline);
		else
			wait_queue_sleep(&s->waiters);
	}
	if (s->count <= 0)
		return err;
	s->count--;
	return 0;
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
	thread_sem_up(&sem->sem);
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
	thread_mutex_lock(&mutex->mutex);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	thread_mutex_unlock(&mutex->mutex);
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
	thread_sem_up(&mbox->filled);
}

static void *take(sys_mbox_t *mbox)
{
	void *msg = mbox->slots[mbox->head];
	mbox->head = (mbox->head + 1) % mbox->size;
	mbox->count--;
	thread_sem_up(&mbox->free);
	return msg;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	sem_down(&mbox->free, 0);
	put(mbox, msg);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	if (thread_sem_trydown(&mbox->free))
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
	if (thread_sem_trydown(&mbox->filled))
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
