/*
 * The cooperative scheduler. Runnable threads wait on a FIFO run queue (the
 * running thread is not on it); sleepers sit on a list sorted by deadline.
 * schedule() is the only place that switches: it wakes expired sleepers,
 * takes the next runnable thread, and when there is none, idles the CPU
 * with the timer armed for the earliest sleeper. There is no idle thread, so
 * no stack is spent on one: whichever thread blocked last does the idling.
 *
 * Thread stacks are 2^CONFIG_SCHED_STACK_ORDER pages from the page
 * allocator; the lowest page is the guard, unmapped so an overflow faults
 * with "stack overflow". A thread cannot free the stack it runs on: an
 * exiting detached thread goes on a reap list that the next thread to run
 * empties; a joinable one is freed by its joiner.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/irq.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/ktime.h>
#include <kraft/print.h>
#include <kraft/sched.h>

#ifndef CONFIG_SCHED_STACK_ORDER
#define CONFIG_SCHED_STACK_ORDER 3
#endif
#ifndef CONFIG_SCHED_STACK_POOL
#define CONFIG_SCHED_STACK_POOL 4
#endif

enum thread_state { RUNNABLE, BLOCKED, SLEEPING, EXITED };

struct thread {
	const char *name;
	void *sp;    /* saved context while not running */
	void *stack; /* NULL for the boot (main) thread */
	enum thread_state state;
	bool detached;
	uint64_t wake_at;
	struct thread *next;       /* run queue or wait queue */
	struct thread *sleep_next; /* sleeper list */
	/* A timed wait: the queue it also sits on, and whether time ran out. */
	struct wait_queue *timed_queue;
	bool timed_out;
	void *(*fn)(void *);
	void *arg;
	void *retval;
	struct wait_queue joiners;
};

static struct thread main_thread = {.name = "main", .state = RUNNABLE};
static struct thread *current;
static struct wait_queue run_queue;
static struct thread *sleepers;
static struct thread *reap_list;
unsigned long sched_switches;

static void enqueue(struct wait_queue *q, struct thread *t)
{
	t->next = 0;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

static struct thread *dequeue(struct wait_queue *q)
{
	struct thread *t = q->head;
	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = 0;
		t->next = 0;
	}
	return t;
}

static void make_runnable(struct thread *t)
{
	t->state = RUNNABLE;
	enqueue(&run_queue, t);
}

static void unlink_from(struct wait_queue *q, struct thread *t)
{
	struct thread *prev = 0;
	for (struct thread *i = q->head; i; prev = i, i = i->next)
		if (i == t) {
			if (prev)
				prev->next = t->next;
			else
				q->head = t->next;
			if (q->tail == t)
				q->tail = prev;
			t->next = 0;
			return;
		}
}

static void unlink_sleeper(struct thread *t)
{
	for (struct thread **l = &sleepers; *l; l = &(*l)->sleep_next)
		if (*l == t) {
			*l = t->sleep_next;
			return;
		}
}

static void add_sleeper(struct thread *t, uint64_t deadline_ns)
{
	struct thread **link = &sleepers;

	while (*link && (*link)->wake_at <= deadline_ns)
		link = &(*link)->sleep_next;
	t->wake_at = deadline_ns;
	t->sleep_next = *link;
	*link = t;
}

static void wake_sleepers(void)
{
	if (!sleepers) /* no clock read (nor, on x86, calibration) for none */
		return;
	uint64_t now = arch_monotonic_ns();

	while (sleepers && sleepers->wake_at <= now) {
		struct thread *t = sleepers;
		sleepers = t->sleep_next;
		if (t->timed_queue) {
			unlink_from(t->timed_queue, t);
			t->timed_queue = 0;
			t->timed_out = true;
		}
		make_runnable(t);
	}
}

/* Stacks of exited threads, guard page still set, for the next threads: a
 * program that starts and joins threads in a loop then neither allocates
 * pages nor changes page tables (and flushes TLB entries) per thread. */
static void *stack_pool[CONFIG_SCHED_STACK_POOL];
static unsigned stack_pool_count;

static void *stack_get(void)
{
	if (stack_pool_count)
		return stack_pool[--stack_pool_count];
	void *stack = kpage_alloc(CONFIG_SCHED_STACK_ORDER);
	if (stack && arch_guard_page_set(stack)) {
		kpage_free(stack, CONFIG_SCHED_STACK_ORDER);
		return 0;
	}
	return stack;
}

static void stack_put(void *stack)
{
	if (stack_pool_count < CONFIG_SCHED_STACK_POOL) {
		stack_pool[stack_pool_count++] = stack;
		return;
	}
	arch_guard_page_clear(stack);
	kpage_free(stack, CONFIG_SCHED_STACK_ORDER);
}

static void free_thread(struct thread *t)
{
	stack_put(t->stack);
	kfree(t);
}

static void reap(void)
{
	while (reap_list) {
		struct thread *t = reap_list;
		reap_list = t->next;
		free_thread(t);
	}
}

#ifndef CONFIG_SCHED_IDLE_POLL_US
#define CONFIG_SCHED_IDLE_POLL_US 0
#endif

extern const struct sched_idle_poller __start_sched_idle_pollers[]
    __attribute__((weak));
extern const struct sched_idle_poller __stop_sched_idle_pollers[]
    __attribute__((weak));

static bool idle_poll_once(void)
{
	bool found = false;
	for (const struct sched_idle_poller *p = __start_sched_idle_pollers;
	     p < __stop_sched_idle_pollers; p++)
		found |= p->poll();
	return found;
}

static void idle_poll_mode(bool polling)
{
	for (const struct sched_idle_poller *p = __start_sched_idle_pollers;
	     p < __stop_sched_idle_pollers; p++)
		p->mode(polling);
}

/* kraft/sched.h, "Polling before halting": true when the CPU should not
 * halt (a poller found work, or an interrupt's work made a thread
 * runnable); false when the time ran out. Interrupts are let in between
 * polls, so a device that still interrupts (a transmit ring's room) or the
 * timer is not held up. */
static bool idle_poll(void)
{
	if (!CONFIG_SCHED_IDLE_POLL_US ||
	    __start_sched_idle_pollers == __stop_sched_idle_pollers)
		return false;
	uint64_t until = arch_monotonic_ns() +
	                 (uint64_t)CONFIG_SCHED_IDLE_POLL_US * KTIME_NS_PER_US;
	if (sleepers && sleepers->wake_at < until)
		until = sleepers->wake_at;
	bool found = false;
	idle_poll_mode(true);
	while (!(found = idle_poll_once())) {
		arch_irq_window();
		kirq_run_deferred();
		if (run_queue.head || arch_monotonic_ns() >= until)
			break;
	}
	idle_poll_mode(false);
	/* What came while the device's interrupts were still off. */
	return found || run_queue.head || idle_poll_once();
}

/* Switches to the next runnable thread; the caller has set its state. */
static void schedule(void)
{
	struct thread *prev = current, *next;

	for (;;) {
		/* Device interrupts' deferred work may wake threads. With
		 * devices, pending interrupts are taken first: busy threads
		 * would otherwise keep the CPU from ever idling for them. */
		if (kirq_any_attached())
			arch_irq_window();
		kirq_run_deferred();
		wake_sleepers();
		next = dequeue(&run_queue);
		if (next)
			break;
		if (!sleepers && !kirq_any_attached())
			kpanic("deadlock: every thread is blocked (last: "
			       "'%s')",
			       prev->name);
		if (idle_poll())
			continue;
		if (sleepers)
			arch_timer_arm(sleepers->wake_at);
		arch_cpu_idle();
	}
	if (next != prev) {
		current = next;
		sched_switches++;
		arch_ctx_switch(&prev->sp, next->sp);
	}
	reap();
}

/* The boot stack becomes the main thread. */
static int sched_init(void)
{
	current = &main_thread;
	return 0;
}
KINIT_REGISTER(sched_init, KINIT_LEVEL_SCHED);

struct thread *sched_current(void)
{
	return current;
}

const char *sched_thread_name(const struct thread *t)
{
	return t->name;
}

static void thread_entry(void *arg)
{
	struct thread *t = arg;
	reap(); /* the thread switched away from may have been a zombie */
	sched_exit(t->fn(t->arg));
}

int sched_thread_create(struct thread **out, const char *name,
                        void *(*fn)(void *), void *arg)
{
	/* kmalloc and one initialiser, not kcalloc: direct stores of the
	 * fields instead of a kmemset call per thread. */
	struct thread *t = kmalloc(sizeof(*t));
	if (!t)
		return -KENOMEM;
	*t = (struct thread){
	    .name = name,
	    .stack = stack_get(),
	    .fn = fn,
	    .arg = arg,
	    .joiners = WAIT_QUEUE_INIT,
	};
	if (!t->stack) {
		kfree(t);
		return -KENOMEM;
	}
	char *top =
	    (char *)t->stack + (ARCH_PAGE_SIZE << CONFIG_SCHED_STACK_ORDER);
	t->sp = arch_ctx_init(top, thread_entry, t);

	unsigned long flags = arch_irq_save();
	make_runnable(t);
	arch_irq_restore(flags);
	*out = t;
	return 0;
}

void sched_thread_detach(struct thread *t)
{
	unsigned long flags = arch_irq_save();
	t->detached = true;
	if (t->state == EXITED) {
		t->next = reap_list;
		reap_list = t;
	}
	arch_irq_restore(flags);
}

void sched_exit(void *retval)
{
	arch_irq_save();
	struct thread *t = current;
	if (t == &main_thread)
		kcore_exit(0); /* the main thread's end is the app's end */
	t->retval = retval;
	t->state = EXITED;
	wait_queue_wake_all(&t->joiners);
	if (t->detached) {
		t->next = reap_list;
		reap_list = t;
	}
	schedule();
	kpanic("exited thread '%s' was scheduled again", t->name);
}

int sched_join(struct thread *t, void **retval)
{
	if (t == current)
		return -KEDEADLK;
	if (t->detached)
		return -KEINVAL;
	unsigned long flags = arch_irq_save();
	while (t->state != EXITED)
		wait_queue_sleep(&t->joiners);
	arch_irq_restore(flags);
	if (retval)
		*retval = t->retval;
	free_thread(t);
	return 0;
}

void sched_thread_yield(void)
{
	unsigned long flags = arch_irq_save();
	make_runnable(current);
	schedule();
	arch_irq_restore(flags);
}

void sched_sleep_until(uint64_t deadline_ns)
{
	unsigned long flags = arch_irq_save();
	current->state = SLEEPING;
	add_sleeper(current, deadline_ns);
	schedule();
	arch_irq_restore(flags);
}

/* ksleep_ns blocks only the calling thread. */
KTIME_SLEEP_REGISTER(sched_sleep_until);

void sched_sleep_ns(uint64_t ns)
{
	sched_sleep_until(arch_monotonic_ns() + ns);
}

void wait_queue_sleep(struct wait_queue *wq)
{
	unsigned long flags = arch_irq_save();
	current->state = BLOCKED;
	enqueue(wq, current);
	schedule();
	arch_irq_restore(flags);
}

int wait_queue_sleep_until(struct wait_queue *wq, uint64_t deadline_ns)
{
	unsigned long flags = arch_irq_save();
	current->state = BLOCKED;
	current->timed_out = false;
	current->timed_queue = wq;
	enqueue(wq, current);
	add_sleeper(current, deadline_ns);
	schedule();
	bool timed_out = current->timed_out;
	arch_irq_restore(flags);
	return timed_out ? -KETIMEDOUT : 0;
}

unsigned wait_queue_wake_one(struct wait_queue *wq)
{
	unsigned long flags = arch_irq_save();
	struct thread *t = dequeue(wq);
	if (t && t->timed_queue) {
		unlink_sleeper(t);
		t->timed_queue = 0;
	}
	if (t)
		make_runnable(t);
	arch_irq_restore(flags);
	return t ? 1 : 0;
}

unsigned wait_queue_wake_all(struct wait_queue *wq)
{
	unsigned n = 0;

	while (wait_queue_wake_one(wq))
		n++;
	return n;
}
