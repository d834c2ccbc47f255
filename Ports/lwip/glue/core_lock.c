/*
 * Releasing lwIP's core lock (UNLOCK_TCPIP_CORE, lwipopts.h). Every frame
 * lwIP sends is sent with the lock held: by the tcpip thread (input,
 * timers, callbacks) or by an API call. The devices' drivers only queue
 * those frames; telling a device (the flush) is an exit to the host, so it
 * is done once for many releases: the release queues the flush as work for
 * thread context (kirq_defer; queued twice, it runs once), which runs
 * before the scheduler next switches threads (any thread blocking or
 * yielding: the tcpip thread waiting for its next message, a program
 * waiting in epoll_wait, poll, select or a blocking socket call) and at the
 * start of every epoll_wait, poll and select (kfd_wait_ready). So the
 * replies a server writes between two epoll_waits, and the segments the
 * tcpip thread sends while taking in a burst of ACKs, cost one
 * notification. Threads are cooperative: nothing runs between the release
 * and those points that the frames could wait on. A full transmit ring is
 * flushed at once (netif.c). The network devices are attached by netif.c
 * only with CONFIG_LWIP_UKNETDEV; without it there is nothing to flush.
 */
#include <kraft/irq.h>

#include "lwip/tcpip.h"
#include "kraft_lwip.h"

#ifdef CONFIG_LWIP_UKNETDEV
static void flush_devices(struct kirq_work *work)
{
	(void)work;
	kraft_netifs_flush();
}

static struct kirq_work flush_work = {.fn = flush_devices};
#endif

void kraft_lwip_core_unlock(void)
{
#ifdef CONFIG_LWIP_UKNETDEV
	kirq_defer(&flush_work);
#endif
	sys_mutex_unlock(&lock_tcpip_core);
}
