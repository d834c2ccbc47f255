/*
 * Network start, as a constructor before main: lwIP's tcpip thread, the
 * loopback interface (lwIP adds it: 127.0.0.1 and ::1), the kernel's network
 * devices when CONFIG_LWIP_UKNETDEV is set (netdevs.c), then /etc/hosts and
 * /etc/resolv.conf for the libc's resolver, unless the image's root file
 * system brings its own.
 */
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/posix_fd.h>
#include <kraft/print.h>
#include <kraft/sched.h>
#include <kraft/syscall.h>

#include "lwip/dns.h"
#include "lwip/tcpip.h"
#include "kraft_lwip.h"

#define HOSTS                                                                  \
	"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"

static void tcpip_ready(void *arg)
{
	ksem_up(arg);
}

/* Writes text to path unless the file exists; 0 or a negative errno. */
static long write_new_file(const char *path, const char *text)
{
	ksyscall(KSYS_mkdirat, KAT_FDCWD, (long)"/etc", 0755, 0, 0, 0);
	long fd = ksyscall(KSYS_openat, KAT_FDCWD, (long)path,
	                   KO_WRONLY | KO_CREAT | KO_EXCL, 0644, 0, 0);
	if (fd == -KEEXIST)
		return 0;
	if (fd < 0)
		return fd;
	long r =
	    ksyscall(KSYS_write, fd, (long)text, (long)kstrlen(text), 0, 0, 0);
	ksyscall(KSYS_close, fd, 0, 0, 0, 0, 0);
	return r < 0 ? r : 0;
}

static void write_resolv_conf(void)
{
#if LWIP_DNS
	char text[64 * DNS_MAX_SERVERS];
	size_t len = 0;
	for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
		const ip_addr_t *server = dns_getserver(i);
		if (ip_addr_isany(server))
			continue;
		char addr[IPADDR_STRLEN_MAX];
		ipaddr_ntoa_r(server, addr, sizeof(addr));
		len += (size_t)ksnprintf(text + len, sizeof(text) - len,
		                         "nameserver %s\n", addr);
	}
	if (!len)
		return;
	long r = write_new_file("/etc/resolv.conf", text);
	if (r)
		kwarn("lwip: cannot write /etc/resolv.conf (%ld)", r);
#endif
}

__attribute__((constructor(150))) static void network_start(void)
{
	struct ksem ready;
	ksem_init(&ready, 0);
	tcpip_init(tcpip_ready, &ready);
	ksem_down(&ready);
#if defined(CONFIG_LWIP_UKNETDEV) && defined(CONFIG_LWIP_AUTOIFACE)
	kraft_netdevs_start();
#endif
	long r = write_new_file("/etc/hosts", HOSTS);
	if (r)
		kwarn("lwip: cannot write /etc/hosts (%ld)", r);
	write_resolv_conf();
}
