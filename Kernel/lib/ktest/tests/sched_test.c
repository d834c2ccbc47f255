/* Tests of threads, wait queues, mutexes and semaphores (kraft/sched.h). */
#include <stdint.h>
#include <kraft/kerrno.h>
#include <kraft/ktest.h>
#include <kraft/ktime.h>
#include <kraft/sched.h>

static void *return_arg_plus_one(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

KTEST(sched, create_and_join_returns_value)
{
	struct thread *t;
	void *ret = 0;

	KT_ASSERT(kt, sched_thread_create(&t, "adder", return_arg_plus_one,
	                                  (void *)41) == 0);
	KT_EXPECT_EQ(kt, sched_join(t, &ret), 0);
	KT_EXPECT_EQ(kt, (uintptr_t)ret, 42);
	KT_EXPECT_EQ(kt, sched_join(sched_current(), 0), -KEDEADLK);
}

struct trace {
	char log[32];
	int len;
};

static struct trace trace;

static void *log_twice(void *arg)
{
	trace.log[trace.len++] = (char)(uintptr_t)arg;
	sched_thread_yield();
	trace.log[trace.len++] = (char)(uintptr_t)arg;
	return 0;
}

KTEST(sched, yield_round_robins)
{
	struct thread *a, *b;

	trace.len = 0;
	KT_ASSERT(kt,
	          sched_thread_create(&a, "a", log_twice, (void *)'a') == 0);
	KT_ASSERT(kt,
	          sched_thread_create(&b, "b", log_twice, (void *)'b') == 0);
	sched_join(a, 0);
	sched_join(b, 0);
	trace.log[trace.len] = 0;
	KT_EXPECT_STR(kt, trace.log, "abab");
}

static struct kmutex lock = KMUTEX_INIT;
static int counter, inside;

static void *bump_locked(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		kmutex_lock(&lock);
		inside++;
		int seen = counter;
		sched_thread_yield(); /* others must not get in meanwhile */
		counter = seen + 1;
		if (inside != 1)
			counter = -100000;
		inside--;
		kmutex_unlock(&lock);
	}
	return 0;
}

KTEST(sched, mutex_excludes)
{
	struct thread *t[4];

	counter = 0;
	for (int i = 0; i < 4; i++)
		KT_ASSERT(kt, sched_thread_create(&t[i], "bump", bump_locked,
		                                  0) == 0);
	for (int i = 0; i < 4; i++)
		sched_join(t[i], 0);
	KT_EXPECT_EQ(kt, counter, 200);
	KT_EXPECT_EQ(kt, kmutex_trylock(&lock), 0);
	kmutex_unlock(&lock);
}

static struct ksem items, slots;
static int ring[4], head, tail, sum;

static void *produce(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 100; i++) {
		ksem_down(&slots);
		ring[head++ % 4] = i;
		ksem_up(&items);
	}
	return 0;
}

static void *consume(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		ksem_down(&items);
		sum += ring[tail++ % 4];
		ksem_up(&slots);
	}
	return 0;
}

KTEST(sched, semaphores_bound_a_ring)
{
	struct thread *p, *c;

	ksem_init(&items, 0);
	ksem_init(&slots, 4);
	head = tail = sum = 0;
	KT_ASSERT(kt, sched_thread_create(&c, "consume", consume, 0) == 0);
	KT_ASSERT(kt, sched_thread_create(&p, "produce", produce, 0) == 0);
	sched_join(p, 0);
	sched_join(c, 0);
	KT_EXPECT_EQ(kt, sum, 5050);
	KT_EXPECT_EQ(kt, ksem_trydown(&items), -KEAGAIN);
}

static char wake_order[8];
static int woken, asleep;
static uint64_t sleep_base_ns, sleep_unit_ns;

static void *sleep_then_log(void *arg)
{
	uintptr_t units = (uintptr_t)arg;
	/* The scheduler is cooperative: nothing runs between the count and
	 * the sleep, so once the count reaches three every sleeper is queued. */
	asleep++;
	sched_sleep_until(sleep_base_ns + units * sleep_unit_ns);
	wake_order[woken++] = (char)('0' + units);
	return 0;
}

/*
 * Three sleepers queued out of order must wake earliest deadline first. The
 * order only says something when all three were queued before the earliest
 * deadline; a host that stalls the guest longer than that (a loaded machine
 * under TCG) makes the try say nothing, and it is repeated with deadlines ten
 * times further apart.
 */
KTEST(sched, sleepers_wake_in_deadline_order)
{
	uintptr_t units[3] = {6, 2, 4};

	for (sleep_unit_ns = KTIME_NS_PER_MS; sleep_unit_ns <= 100 * KTIME_NS_PER_MS;
	     sleep_unit_ns *= 10) {
		struct thread *t[3];
		woken = asleep = 0;
		sleep_base_ns = ktime_monotonic_ns();
		for (int i = 0; i < 3; i++)
			KT_ASSERT(kt, sched_thread_create(&t[i], "sleeper",
			                                  sleep_then_log,
			                                  (void *)units[i]) == 0);
		while (asleep < 3)
			sched_thread_yield();
		bool queued_in_time =
		    ktime_monotonic_ns() < sleep_base_ns + 2 * sleep_unit_ns;
		for (int i = 0; i < 3; i++)
			sched_join(t[i], 0);
		wake_order[woken] = 0;
		KT_EXPECT(kt, ktime_monotonic_ns() - sleep_base_ns >=
		                  6 * sleep_unit_ns);
		if (queued_in_time) {
			KT_EXPECT_STR(kt, wake_order, "246");
			return;
		}
	}
	ktest_fail(kt, __FILE__, __LINE__,
	           "the host never let three threads queue within 200 ms");
}

static void *detached_body(void *arg)
{
	*(int *)arg = 1;
	return 0;
}

KTEST(sched, detached_threads_run_and_go)
{
	struct thread *t;
	int ran = 0;

	KT_ASSERT(
	    kt, sched_thread_create(&t, "detached", detached_body, &ran) == 0);
	sched_thread_detach(t);
	KT_EXPECT_EQ(kt, sched_join(t, 0), -KEINVAL);
	sched_thread_yield();
	sched_thread_yield();
	KT_EXPECT_EQ(kt, ran, 1);
}

KTEST(sched, many_threads)
{
	struct thread *t[64];
	void *ret;

	for (uintptr_t i = 0; i < 64; i++)
		KT_ASSERT(kt, sched_thread_create(&t[i], "many",
		                                  return_arg_plus_one,
		                                  (void *)i) == 0);
	for (uintptr_t i = 0; i < 64; i++) {
		KT_EXPECT_EQ(kt, sched_join(t[i], &ret), 0);
		KT_EXPECT_EQ(kt, (uintptr_t)ret, i + 1);
	}
}
