/*
 * Mutexes and counting semaphores on wait queues. With a cooperative
 * scheduler nothing runs between a check and the sleep that follows, but
 * the checks still loop after waking (another thread may have taken the
 * lock first) and run with interrupts off, as preemption will need.
 */
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/sched.h>

void kmutex_init(struct kmutex *m)
{
	*m = (struct kmutex)KMUTEX_INIT;
}

void kmutex_lock(struct kmutex *m)
{
	unsigned long flags = arch_irq_save();
	struct thread *self = sched_current();

	if (m->owner == self)
		kpanic("thread '%s' locked a mutex it already holds",
		       sched_thread_name(self));
	while (m->owner)
		wait_queue_sleep(&m->waiters);
	m->owner = self;
	arch_irq_restore(flags);
}

int kmutex_trylock(struct kmutex *m)
{
	unsigned long flags = arch_irq_save();
	int err = -KEBUSY;

	if (!m->owner) {
		m->owner = sched_current();
		err = 0;
	}
	arch_irq_restore(flags);
	return err;
}

void kmutex_unlock(struct kmutex *m)
{
	unsigned long flags = arch_irq_save();

	if (m->owner != sched_current())
		kpanic("thread '%s' unlocked a mutex it does not hold",
		       sched_thread_name(sched_current()));
	m->owner = 0;
	wait_queue_wake_one(&m->waiters);
	arch_irq_restore(flags);
}

void ksem_init(struct ksem *s, long count)
{
	s->count = count;
	s->waiters = (struct wait_queue)WAIT_QUEUE_INIT;
}

void ksem_down(struct ksem *s)
{
	unsigned long flags = arch_irq_save();

	while (s->count <= 0)
		wait_queue_sleep(&s->waiters);
	s->count--;
	arch_irq_restore(flags);
}

int ksem_down_until(struct ksem *s, uint64_t deadline_ns)
{
	unsigned long flags = arch_irq_save();
	int err = 0;

	while (s->count <= 0 && !err)
		err = wait_queue_sleep_until(&s->waiters, deadline_ns);
	if (s->count > 0) {
		s->count--;
		err = 0;
	}
	arch_irq_restore(flags);
	return err;
}

int ksem_trydown(struct ksem *s)
{
	unsigned long flags = arch_irq_save();
	int err = -KEAGAIN;

	if (s->count > 0) {
		s->count--;
		err = 0;
	}
	arch_irq_restore(flags);
	return err;
}

void ksem_up(struct ksem *s)
{
	unsigned long flags = arch_irq_save();

	s->count++;
	wait_queue_wake_one(&s->waiters);
	arch_irq_restore(flags);
}
