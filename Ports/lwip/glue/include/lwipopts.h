/*
 * lwIP's configuration for kraft: an OS build (NO_SYS 0) with the core lock
 * instead of message passing for API calls (a cooperative kernel makes it
 * cheap), memory from the kernel heap, the socket API behind the kernel's
 * socket system calls, and the port's CONFIG_LWIP_* options (config.h, named
 * as Unikraft names them) switching protocols on and off.
 */
#ifndef KRAFT_LWIPOPTS_H
#define KRAFT_LWIPOPTS_H

#define NO_SYS                        0
#define SYS_LIGHTWEIGHT_PROT          0 /* see sys_arch.c */
#define LWIP_TCPIP_CORE_LOCKING       1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
/* Releasing the core lock hands the network devices the frames queued
 * while it was held (glue/core_lock.c). */
#define LOCK_TCPIP_CORE()   sys_mutex_lock(&lock_tcpip_core)
#define UNLOCK_TCPIP_CORE() kraft_lwip_core_unlock()
void kraft_lwip_core_unlock(void);
#define TCPIP_THREAD_NAME             "tcpip"
#define TCPIP_THREAD_STACKSIZE        0 /* the scheduler's stack size */
#define TCPIP_THREAD_PRIO             0
#define TCPIP_MBOX_SIZE               256
#define DEFAULT_RAW_RECVMBOX_SIZE     64
#define DEFAULT_UDP_RECVMBOX_SIZE     128
#define DEFAULT_TCP_RECVMBOX_SIZE     128
/* Above the largest listen backlog (lwIP clamps it to 255), so the backlog,
 * not this mailbox, bounds connections waiting for accept: past the backlog
 * a SYN is dropped and the client retries, while a full mailbox makes lwIP
 * reset a connection the client already counts as open. */
#define DEFAULT_ACCEPTMBOX_SIZE       256
#define LWIP_NETCONN_SEM_PER_THREAD   0
#define LWIP_NETCONN_FULLDUPLEX       0

/* Memory: the kernel heap for everything, pools included. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT   8
#define mem_clib_malloc kraft_lwip_malloc
#define mem_clib_free   kraft_lwip_free
#define mem_clib_calloc kraft_lwip_calloc
#include <stddef.h>
void *kraft_lwip_malloc(size_t size);
void *kraft_lwip_calloc(size_t n, size_t size);
void kraft_lwip_free(void *ptr);
#define PBUF_POOL_SIZE 256

/* Protocols. */
#ifdef CONFIG_LWIP_IPV4
#define LWIP_IPV4 1
#else
#define LWIP_IPV4 0
#endif
#ifdef CONFIG_LWIP_IPV6
#define LWIP_IPV6                     1
#define LWIP_IPV6_AUTOCONFIG          1
#define LWIP_IPV6_DHCP6               0
#define LWIP_ND6_ALLOW_RA_UPDATES     1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_IPV6_MLD                 1
/* Reassembly keeps a pointer in the fragment header: too big for 64 bits. */
#define IPV6_FRAG_COPYHEADER 1
#else
#define LWIP_IPV6 0
#endif
#ifdef CONFIG_LWIP_TCP
#define LWIP_TCP 1
#else
#define LWIP_TCP 0
#endif
#ifdef CONFIG_LWIP_UDP
#define LWIP_UDP 1
#else
#define LWIP_UDP 0
#endif
#ifdef CONFIG_LWIP_ICMP
#define LWIP_ICMP 1
#else
#define LWIP_ICMP 0
#endif
#define LWIP_RAW      1
#define LWIP_IGMP     LWIP_IPV4
#define LWIP_ARP      LWIP_IPV4
#define LWIP_ETHERNET 1
#if defined(CONFIG_LWIP_DHCP) && LWIP_IPV4 && LWIP_UDP
#define LWIP_DHCP                1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK      0
#else
#define LWIP_DHCP 0
#endif
#if defined(CONFIG_LWIP_DNS) && LWIP_UDP
#define LWIP_DNS        1
#define DNS_MAX_SERVERS CONFIG_LWIP_DNS_MAX_SERVERS
#else
#define LWIP_DNS 0
#endif

/* Interfaces. */
#ifdef CONFIG_LWIP_LOOPIF
#define LWIP_HAVE_LOOPIF        1
#define LWIP_NETIF_LOOPBACK     1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#else
#define LWIP_HAVE_LOOPIF    0
#define LWIP_NETIF_LOOPBACK 0
#endif
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_API             1
#define LWIP_SINGLE_NETIF          0
/* Checksums per interface: one whose device finishes TCP checksums
 * (virtio-net's CSUM offload) sends segments unsummed (netif.c), so the send
 * path copies data without summing it; the others (loopback) sum as they
 * send. Sums still made (received frames, loopback) take 32 bits a step. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
/* And per frame (patches/0004): a received frame whose TCP/UDP checksum
 * the device vouches for (netdev's NETDEV_RX_CSUM_OK, set by the glue) is
 * not summed again; an IP fragment loses the mark, as its datagram's sum
 * spans frames. A pbuf flag lwIP 2.1 leaves free (it uses 0x01-0x20). */
#define KRAFT_PBUF_FLAG_CSUM_OK 0x80U
#define LWIP_PBUF_CSUM_OK(p)    (((p)->flags & KRAFT_PBUF_FLAG_CSUM_OK) != 0)
#define LWIP_CHECKSUM_ON_COPY        0
#define LWIP_CHKSUM_ALGORITHM        3

/* TCP sizes: a receive window of 128 segments, scaled when enabled; a send
 * buffer of 256 segments, so one connection keeps enough in flight to fill
 * the link between the guest and its host (64 held nginx's 1 MiB files to
 * about 11 MB/s under TCG; with 128, and TSO, the sender still stopped for
 * ACKs about 8 times per 1 MiB file, each a halt and an interrupt: 256 made
 * it 4.7, and the exits per file 18 to 12, docs/nginx.md). The buffer is
 * allocated as data is queued, so a connection that sends little holds
 * little. */
#define TCP_MSS 1460
#ifdef CONFIG_LWIP_WND_SCALE
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE  2
#define TCP_WND        (128 * TCP_MSS)
#else
#define TCP_WND (44 * TCP_MSS)
#endif
#define TCP_SND_BUF                (256 * TCP_MSS)
#define TCP_SND_QUEUELEN           (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT               (32 * TCP_MSS) /* below lwIP's 16-bit limit */
#define TCP_OVERSIZE               TCP_MSS

/* TCP segmentation offload (patches/0002 and 0003): on an interface whose device
 * cuts TCP/IPv4 segments itself (virtio-net's HOST_TSO4; the glue sets
 * the flag below), lwIP builds segments of up to this many bytes (44 of
 * 1460: the frame, its headers and virtio's stay below 64 KiB and lwIP's
 * 16-bit pbuf lengths) and the device sends them as MTU-sized frames. A
 * virtual NIC costs per frame handed over, not per byte. 0x80 is the one
 * netif flag lwIP leaves unused. */
#define LWIP_TCP_TSO_PAYLOAD       (44 * TCP_MSS)
#define KRAFT_NETIF_FLAG_TSO4      0x80U
#define LWIP_NETIF_TSO4(netif)     (((netif)->flags & KRAFT_NETIF_FLAG_TSO4) != 0)
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define MEMP_NUM_TCP_PCB           CONFIG_LWIP_NUM_TCPCON
#define MEMP_NUM_TCP_PCB_LISTEN    CONFIG_LWIP_NUM_TCPLISTENERS
#define MEMP_NUM_UDP_PCB           32
#define MEMP_NUM_NETCONN           CONFIG_LWIP_NUM_SOCKETS
#define MEMP_NUM_TCP_SEG           (TCP_SND_QUEUELEN * 4)
#define LWIP_TCP_KEEPALIVE         1
#define SO_REUSE                   1
#define SO_REUSE_RXTOALL           1

/* Sockets: lwIP's own names only (lwip_socket, ...); the kernel's socket
 * layer translates Linux's values to lwIP's. */
#ifdef CONFIG_LWIP_SOCKET
#define LWIP_SOCKET  1
#define LWIP_NETCONN 1
#else
#define LWIP_SOCKET  0
#define LWIP_NETCONN 0
#endif
#define LWIP_COMPAT_SOCKETS          0
#define LWIP_POSIX_SOCKETS_IO_NAMES  0
#define LWIP_SOCKET_OFFSET           0
#define LWIP_SOCKET_SELECT           1
#define LWIP_SOCKET_POLL             1
#define LWIP_SO_RCVTIMEO             1
#define LWIP_SO_SNDTIMEO             1
#define LWIP_SO_RCVBUF               1
#define LWIP_SO_LINGER               1
#define LWIP_FIONREAD_LINUXMODE      1
#define LWIP_TIMEVAL_PRIVATE         1
#define LWIP_DNS_API_DECLARE_H_ERRNO 0
#define LWIP_DNS_API_DEFINE_ERRNO    0
#define LWIP_DNS_API_DECLARE_STRUCTS 1
/* Every socket event wakes the kernel's socket waiters (poll, epoll, the
 * blocking calls); the hook is added by patches/0001. */
#define LWIP_HOOK_SOCKET_EVENT(s, evt) kraft_lwip_socket_event(s)
void kraft_lwip_socket_event(int s);

#define LWIP_STATS 0
/* lwIP's errno values are Linux's; its errno is its own variable (read by
 * the socket glue right after a failed call), not the libc's. */
#define LWIP_PROVIDE_ERRNO 1
#define errno              kraft_lwip_errno
extern int kraft_lwip_errno;
#define LWIP_RAND() kraft_lwip_rand()
unsigned kraft_lwip_rand(void);

#endif /* KRAFT_LWIPOPTS_H */
