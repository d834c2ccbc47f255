/*
 * Releasing lwIP's core lock (UNLOCK_TCPIP_CORE, lwipopts.h). Every frame
 * lwIP sends is sent with the lock held: by the tcpip thread (input,
 * timers, callbacks) or by an API call. The devices' drivers only queue
 * those frames; the release tells each device once about all of them, so
 * a burst of TCP segments costs one notification (an exit to the host)
 * instead of one per frame. The network devices are attached by netif.c
 * only with CONFIG_LWIP_UKNETDEV; without it there is nothing to flush.
 */
#include "lwip/tcpip.h"
#include "kraft_lwip.h"

void kraft_lwip_core_unlock(void)
{
#ifdef CONFIG_LWIP_UKNETDEV
	kraft_netifs_flush();
#endif
	sys_mutex_unlock(&lock_tcpip_core);
}
