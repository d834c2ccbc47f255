/*
 * The readiness wait queue: one for every descriptor, because a program
 * waits on few descriptors at a time and each waiter rechecks its own after
 * a wake-up. A notification wakes every waiter; nothing is lost between a
 * waiter's check and its sleep, since threads are cooperative and a
 * notification is only ever sent from thread context.
 */
#include <kraft/kerrno.h>
#include <kraft/posix_fd.h>
#include <kraft/sched.h>

#include "readiness.h"

static struct wait_queue ready_waiters = WAIT_QUEUE_INIT;

void kfd_vnode_changed(struct vnode *vn)
{
	if (vn)
		epoll_node_changed(vn);
	wait_queue_wake_all(&ready_waiters);
}

int kfd_ready_wait(uint64_t deadline_ns)
{
	if (deadline_ns == KFD_WAIT_FOREVER) {
		wait_queue_sleep(&ready_waiters);
		return 0;
	}
	return wait_queue_sleep_until(&ready_waiters, deadline_ns);
}
