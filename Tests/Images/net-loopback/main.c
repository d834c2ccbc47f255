/*
 * Socket checks over the loopback interface (no network device). Each check
 * prints "PASS <name>" or "FAIL <name>: <why>"; the exit status is the
 * number of failures. KraftBootTests (NetLoopbackTests) boots it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, name, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s: ", name);                             \
			printf(__VA_ARGS__);                                   \
			printf(" (errno %d %s)\n", errno, strerror(errno));    \
			failures++;                                            \
			return;                                                \
		}                                                              \
	} while (0)

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A TCP listener on 127.0.0.1:port. */
static int listener(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int on = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in a = loopback(port);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 64)) {
		close(s);
		return -1;
	}
	return s;
}

static int connect_to(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(port);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a))) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* ---- TCP echo, many concurrent clients ---- */

#define ECHO_PORT    7000
#define ECHO_CLIENTS 16
#define ECHO_BYTES   (32 * 1024)

static void *echo_connection(void *arg)
{
	int c = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;
	while ((n = read(c, buf, sizeof(buf))) > 0)
		if (write_all(c, buf, (size_t)n))
			break;
	close(c);
	return 0;
}

static void *echo_server(void *arg)
{
	int s = (int)(intptr_t)arg;
	for (int i = 0; i < ECHO_CLIENTS; i++) {
		int c = accept(s, 0, 0);
		if (c < 0)
			break;
		pthread_t t;
		pthread_create(&t, 0, echo_connection, (void *)(intptr_t)c);
		pthread_detach(t);
	}
	return 0;
}

static void *echo_client(void *arg)
{
	int id = (int)(intptr_t)arg;
	int s = connect_to(ECHO_PORT);
	if (s < 0)
		return (void *)1;
	static __thread char out[ECHO_BYTES], in[ECHO_BYTES];
	for (int i = 0; i < ECHO_BYTES; i++)
		out[i] = (char)(i * 7 + id);
	intptr_t bad = 0;
	/* In pieces, so the echo interleaves with the sending. */
	for (int off = 0; off < ECHO_BYTES && !bad; off += 4096)
		bad = write_all(s, out + off, 4096) ||
		      read_all(s, in + off, 4096);
	bad = bad || memcmp(out, in, ECHO_BYTES) != 0;
	close(s);
	return (void *)bad;
}

static void check_tcp_echo(void)
{
	int s = listener(ECHO_PORT);
	CHECK(s >= 0, "tcp-echo", "listen");
	pthread_t server, clients[ECHO_CLIENTS];
	pthread_create(&server, 0, echo_server, (void *)(intptr_t)s);
	for (int i = 0; i < ECHO_CLIENTS; i++)
		pthread_create(&clients[i], 0, echo_client,
		               (void *)(intptr_t)i);
	int bad = 0;
	for (int i = 0; i < ECHO_CLIENTS; i++) {
		void *r;
		pthread_join(clients[i], &r);
		bad += r != 0;
	}
	pthread_join(server, 0);
	close(s);
	CHECK(!bad, "tcp-echo", "%d of %d clients got wrong echoes", bad,
	      ECHO_CLIENTS);
	printf("PASS tcp-echo %d clients x %d bytes\n", ECHO_CLIENTS,
	       ECHO_BYTES);
}

/* ---- UDP round trip ---- */

static void check_udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0),
	    b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in aa = loopback(7100), ba = loopback(7101);
	CHECK(a >= 0 && b >= 0, "udp", "socket");
	CHECK(!bind(a, (struct sockaddr *)&aa, sizeof(aa)) &&
	          !bind(b, (struct sockaddr *)&ba, sizeof(ba)),
	      "udp", "bind");
	const char ping[] = "ping over udp";
	CHECK(sendto(a, ping, sizeof(ping), 0, (struct sockaddr *)&ba,
	             sizeof(ba)) == sizeof(ping),
	      "udp", "sendto");
	char buf[64];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n =
	    recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	CHECK(n == sizeof(ping) && !memcmp(buf, ping, sizeof(ping)), "udp",
	      "recvfrom got %zd bytes", n);
	CHECK(from.sin_port == htons(7100) &&
	          from.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "udp", "sender address %08x:%d", ntohl(from.sin_addr.s_addr),
	      ntohs(from.sin_port));
	/* The reply, to the address recvfrom gave. */
	CHECK(sendto(b, "pong", 4, 0, (struct sockaddr *)&from, fl) == 4, "udp",
	      "reply");
	int avail = -1;
	struct pollfd p = {a, POLLIN, 0};
	CHECK(poll(&p, 1, 2000) == 1, "udp", "poll for the reply");
	CHECK(!ioctl(a, FIONREAD, &avail) && avail == 4, "udp", "FIONREAD %d",
	      avail);
	CHECK(recv(a, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "pong", 4),
	      "udp", "reply content");
	close(a);
	close(b);
	printf("PASS udp round trip\n");
}

/* A connected TCP pair through a listener on port. */
static int tcp_pair(int port, int *client, int *server)
{
	int s = listener(port);
	if (s < 0)
		return -1;
	*client = socket(AF_INET, SOCK_STREAM, 0);
	fcntl(*client, F_SETFL, O_NONBLOCK);
	struct sockaddr_in a = loopback(port);
	connect(*client, (struct sockaddr *)&a, sizeof(a));
	*server = accept(s, 0, 0);
	close(s);
	struct pollfd p = {*client, POLLOUT, 0};
	poll(&p, 1, 2000);
	fcntl(*client, F_SETFL, 0);
	return *server < 0 ? -1 : 0;
}

/* writev on a socket is one send of every piece: one datagram on UDP (a
 * send per piece would make three), the pieces in order on TCP. */
static void check_writev(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0),
	    b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in aa = loopback(7102), ba = loopback(7103);
	CHECK(a >= 0 && b >= 0 &&
	          !bind(a, (struct sockaddr *)&aa, sizeof(aa)) &&
	          !bind(b, (struct sockaddr *)&ba, sizeof(ba)) &&
	          !connect(a, (struct sockaddr *)&ba, sizeof(ba)),
	      "writev", "udp sockets");
	struct iovec v[3] = {{"head ", 5}, {"", 0}, {"and body", 8}};
	CHECK(writev(a, v, 3) == 13, "writev", "udp writev");
	char buf[64];
	ssize_t n = recv(b, buf, sizeof(buf), 0);
	CHECK(n == 13 && !memcmp(buf, "head and body", 13), "writev",
	      "one datagram of %zd bytes", n);
	close(a);
	close(b);
	int client, server;
	CHECK(!tcp_pair(7104, &client, &server), "writev", "tcp pair");
	static char big[3][20000];
	struct iovec t[3];
	for (int i = 0; i < 3; i++) {
		memset(big[i], 'a' + i, sizeof(big[i]));
		t[i] = (struct iovec){big[i], sizeof(big[i])};
	}
	CHECK(writev(client, t, 3) == 60000, "writev", "tcp writev");
	static char in[60000];
	CHECK(!read_all(server, in, sizeof(in)) && in[0] == 'a' &&
	          in[19999] == 'a' && in[20000] == 'b' && in[59999] == 'c',
	      "writev", "tcp bytes in order");
	close(client);
	close(server);
	printf("PASS writev on sockets\n");
}

/* ---- poll readiness ---- */

static void *send_later(void *arg)
{
	usleep(50 * 1000);
	write((int)(intptr_t)arg, "x", 1);
	return 0;
}

static void check_poll(void)
{
	int c, s;
	CHECK(!tcp_pair(7200, &c, &s), "poll", "connect");
	struct pollfd p = {s, POLLIN, 0};
	CHECK(poll(&p, 1, 0) == 0, "poll", "readable before any data");
	struct pollfd w = {c, POLLOUT, 0};
	CHECK(poll(&w, 1, 0) == 1 && (w.revents & POLLOUT), "poll",
	      "connected socket not writable");
	pthread_t t;
	pthread_create(&t, 0, send_later, (void *)(intptr_t)c);
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "poll",
	      "no POLLIN after the peer wrote");
	pthread_join(t, 0);
	char ch;
	CHECK(read(s, &ch, 1) == 1 && ch == 'x', "poll", "read");
	close(c);
	CHECK(poll(&p, 1, 5000) == 1 && read(s, &ch, 1) == 0, "poll",
	      "peer's close not seen as readable EOF");
	close(s);
	printf("PASS poll readiness\n");
}

/* ---- select ---- */

static void check_select(void)
{
	int c, s;
	CHECK(!tcp_pair(7250, &c, &s), "select", "connect");
	fd_set r;
	FD_ZERO(&r);
	FD_SET(s, &r);
	struct timeval tv = {0, 0};
	CHECK(select(s + 1, &r, 0, 0, &tv) == 0, "select", "ready too early");
	pthread_t t;
	pthread_create(&t, 0, send_later, (void *)(intptr_t)c);
	FD_SET(s, &r);
	tv.tv_sec = 5;
	CHECK(select(s + 1, &r, 0, 0, &tv) == 1 && FD_ISSET(s, &r), "select",
	      "no readiness after the peer wrote");
	pthread_join(t, 0);
	close(c);
	close(s);
	printf("PASS select\n");
}

/* ---- epoll and eventfd ---- */

static void check_epoll(void)
{
	int c, s;
	CHECK(!tcp_pair(7300, &c, &s), "epoll", "connect");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0, "epoll", "epoll_create1");
	int ev = eventfd(0, EFD_NONBLOCK);
	CHECK(ev >= 0, "epoll", "eventfd");
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = 1};
	CHECK(!epoll_ctl(ep, EPOLL_CTL_ADD, s, &e), "epoll", "ctl add socket");
	e.data.u32 = 2;
	CHECK(!epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e), "epoll",
	      "ctl add eventfd");
	struct epoll_event got[4];
	CHECK(epoll_wait(ep, got, 4, 0) == 0, "epoll", "ready too early");
	pthread_t t;
	pthread_create(&t, 0, send_later, (void *)(intptr_t)c);
	int n = epoll_wait(ep, got, 4, 5000);
	CHECK(n == 1 && got[0].data.u32 == 1 && (got[0].events & EPOLLIN),
	      "epoll", "socket readiness: %d events", n);
	pthread_join(t, 0);
	uint64_t one = 1, value = 0;
	CHECK(write(ev, &one, 8) == 8, "epoll", "eventfd write");
	char ch;
	read(s, &ch, 1);
	n = epoll_wait(ep, got, 4, 5000);
	CHECK(n == 1 && got[0].data.u32 == 2, "epoll", "eventfd readiness: %d",
	      n);
	CHECK(read(ev, &value, 8) == 8 && value == 1, "epoll", "eventfd read");
	CHECK(read(ev, &value, 8) < 0 && errno == EAGAIN, "epoll",
	      "empty eventfd read");
	CHECK(!epoll_ctl(ep, EPOLL_CTL_DEL, s, 0), "epoll", "ctl del");
	/* A descriptor closed while in the set, then a new file on the same fd
	 * (nginx's next client): the new file is not the closed one's interest,
	 * even where its record reuses the freed one's memory. */
	int gone = eventfd(0, EFD_NONBLOCK);
	CHECK(gone >= 0 && !epoll_ctl(ep, EPOLL_CTL_ADD, gone, &e), "epoll",
	      "ctl add of a file to close");
	close(gone);
	int reused = eventfd(0, EFD_NONBLOCK);
	CHECK(reused == gone, "epoll", "fd %d not reused (%d)", gone, reused);
	CHECK(!epoll_ctl(ep, EPOLL_CTL_ADD, reused, &e), "epoll",
	      "ctl add on a reused fd: %s", strerror(errno));
	CHECK(epoll_wait(ep, got, 4, 0) == 0, "epoll",
	      "the closed file's interest reported");
	close(reused);
	close(ev);
	close(ep);
	close(c);
	close(s);
	printf("PASS epoll and eventfd\n");
}

/* epoll's ready queue (posix-fd's epoll.c): a wait checks only what may be
 * ready, so these are the rules that must still hold: level-triggered
 * reports until drained, edge-triggered once per change (data after a
 * drain is a change), a wait for fewer events than are ready
 * reaches the others next, EPOLLONESHOT until re-armed. */
static void check_epoll_queue(void)
{
	int c, s, p[2];
	char buf[8];
	CHECK(!tcp_pair(7350, &c, &s), "epoll queue", "connect");
	CHECK(!pipe(p), "epoll queue", "pipe");
	int lt = epoll_create1(0), et = epoll_create1(0);
	int once = epoll_create1(0);
	CHECK(lt >= 0 && et >= 0 && once >= 0, "epoll queue", "epoll_create1");
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = 1};
	struct epoll_event got[4];
	CHECK(!epoll_ctl(lt, EPOLL_CTL_ADD, s, &e), "epoll queue", "add s");
	e.data.u32 = 2;
	CHECK(!epoll_ctl(lt, EPOLL_CTL_ADD, p[0], &e), "epoll queue",
	      "add pipe");
	e = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u32 = 3};
	CHECK(!epoll_ctl(et, EPOLL_CTL_ADD, s, &e), "epoll queue", "add et");
	CHECK(epoll_wait(lt, got, 4, 0) == 0, "epoll queue", "ready too early");
	CHECK(write(c, "ab", 2) == 2, "epoll queue", "write");
	CHECK(epoll_wait(lt, got, 4, 5000) == 1 && got[0].data.u32 == 1,
	      "epoll queue", "level-triggered: no report of data");
	CHECK(epoll_wait(lt, got, 4, 0) == 1 && got[0].data.u32 == 1,
	      "epoll queue",
	      "level-triggered: not reported again while unread");
	CHECK(epoll_wait(et, got, 4, 5000) == 1 && got[0].data.u32 == 3,
	      "epoll queue", "edge-triggered: no report of data");
	CHECK(epoll_wait(et, got, 4, 0) == 0, "epoll queue",
	      "edge-triggered: reported again with nothing new");
	CHECK(read(s, buf, sizeof(buf)) == 2, "epoll queue", "read");
	CHECK(epoll_wait(lt, got, 4, 0) == 0, "epoll queue",
	      "level-triggered: reported after the socket was drained");
	/* Drained between two waits the edge-triggered set never saw: the
	 * next data is news although the readiness bits are the last's. */
	CHECK(write(c, "c", 1) == 1, "epoll queue", "write more");
	CHECK(epoll_wait(et, got, 4, 5000) == 1, "epoll queue",
	      "edge-triggered: new data after a drain not reported");
	CHECK(read(s, buf, sizeof(buf)) == 1, "epoll queue", "read more");
	/* Two ready, one per wait. */
	CHECK(write(p[1], "x", 1) == 1 && write(c, "d", 1) == 1, "epoll queue",
	      "writes");
	struct pollfd pf = {s, POLLIN, 0};
	CHECK(poll(&pf, 1, 5000) == 1, "epoll queue", "socket data");
	CHECK(epoll_wait(lt, got, 1, 0) == 1, "epoll queue", "one of two");
	uint32_t first = got[0].data.u32;
	CHECK(epoll_wait(lt, got, 1, 0) == 1 && got[0].data.u32 != first,
	      "epoll queue", "a wait for one event reported %u twice", first);
	e = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT,
	                         .data.u32 = 4};
	CHECK(!epoll_ctl(once, EPOLL_CTL_ADD, p[0], &e), "epoll queue",
	      "add oneshot");
	CHECK(epoll_wait(once, got, 4, 0) == 1, "epoll queue", "oneshot");
	CHECK(epoll_wait(once, got, 4, 0) == 0, "epoll queue",
	      "oneshot reported twice");
	CHECK(!epoll_ctl(once, EPOLL_CTL_MOD, p[0], &e), "epoll queue", "mod");
	CHECK(epoll_wait(once, got, 4, 0) == 1, "epoll queue",
	      "oneshot not re-armed by EPOLL_CTL_MOD");
	close(once);
	close(et);
	close(lt);
	close(p[0]);
	close(p[1]);
	close(c);
	close(s);
	printf("PASS epoll ready queue\n");
}

/* ---- non-blocking accept and connect ---- */

static void check_nonblocking(void)
{
	int l = listener(7400);
	CHECK(l >= 0, "nonblocking", "listen");
	CHECK(!fcntl(l, F_SETFL, fcntl(l, F_GETFL) | O_NONBLOCK), "nonblocking",
	      "fcntl");
	CHECK(accept(l, 0, 0) < 0 && errno == EAGAIN, "nonblocking",
	      "accept without a client");
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = loopback(7400);
	int r = connect(c, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == 0 || errno == EINPROGRESS, "nonblocking", "connect: %d", r);
	struct pollfd p[2] = {{c, POLLOUT, 0}, {l, POLLIN, 0}};
	CHECK(poll(&p[0], 1, 5000) == 1, "nonblocking", "connect completion");
	int err = -1;
	socklen_t el = sizeof(err);
	CHECK(!getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) && err == 0,
	      "nonblocking", "SO_ERROR %d", err);
	CHECK(poll(&p[1], 1, 5000) == 1, "nonblocking", "listener readable");
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	int s = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK);
	CHECK(s >= 0, "nonblocking", "accept4");
	char ch;
	CHECK(read(s, &ch, 1) < 0 && errno == EAGAIN, "nonblocking",
	      "read without data");
	int off = 0;
	CHECK(!ioctl(s, FIONBIO, &off) && !(fcntl(s, F_GETFL) & O_NONBLOCK),
	      "nonblocking", "FIONBIO off");
	struct sockaddr_in name;
	socklen_t nl = sizeof(name);
	CHECK(!getsockname(c, (struct sockaddr *)&name, &nl) &&
	          name.sin_port == peer.sin_port,
	      "nonblocking", "getsockname/accept peer port");
	nl = sizeof(name);
	CHECK(!getpeername(c, (struct sockaddr *)&name, &nl) &&
	          name.sin_port == htons(7400),
	      "nonblocking", "getpeername");
	/* A refused connection reports its error. */
	int d = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	a = loopback(7499);
	r = connect(d, (struct sockaddr *)&a, sizeof(a));
	if (r < 0 && errno == EINPROGRESS) {
		struct pollfd q = {d, POLLOUT, 0};
		poll(&q, 1, 5000);
		getsockopt(d, SOL_SOCKET, SO_ERROR, &err, &el);
		errno = err;
	}
	CHECK(errno == ECONNREFUSED, "nonblocking", "refused connect");
	close(d);
	close(s);
	close(c);
	close(l);
	printf("PASS nonblocking accept and connect\n");
}

/* ---- receive timeout ---- */

static void check_rcvtimeo(void)
{
	int c, s;
	CHECK(!tcp_pair(7450, &c, &s), "rcvtimeo", "connect");
	struct timeval tv = {0, 200 * 1000};
	CHECK(!setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
	      "rcvtimeo", "setsockopt");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char ch;
	ssize_t r = read(s, &ch, 1);
	int err = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	          (t1.tv_nsec - t0.tv_nsec) / 1000000;
	errno = err;
	CHECK(r < 0 && err == EAGAIN && ms >= 150, "rcvtimeo",
	      "read returned %zd after %ld ms", r, ms);
	close(c);
	close(s);
	printf("PASS rcvtimeo\n");
}

/* ---- half-close ---- */

static void check_half_close(void)
{
	int c, s;
	CHECK(!tcp_pair(7500, &c, &s), "half-close", "connect");
	CHECK(write(c, "request", 7) == 7, "half-close", "write");
	CHECK(!shutdown(c, SHUT_WR), "half-close", "shutdown");
	char buf[16];
	CHECK(read_all(s, buf, 7) == 0 && !memcmp(buf, "request", 7),
	      "half-close", "request");
	CHECK(read(s, buf, sizeof(buf)) == 0, "half-close",
	      "no EOF after SHUT_WR");
	CHECK(write(s, "reply", 5) == 5, "half-close",
	      "reply after peer's EOF");
	close(s);
	CHECK(read_all(c, buf, 5) == 0 && !memcmp(buf, "reply", 5),
	      "half-close", "reply");
	CHECK(read(c, buf, sizeof(buf)) == 0, "half-close", "final EOF");
	close(c);
	printf("PASS half-close\n");
}

/* ---- a multi-megabyte transfer checked by hash ---- */

#define TRANSFER_BYTES (8u << 20)

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t sent_hash;

static void *transfer_sender(void *arg)
{
	int c = (int)(intptr_t)arg;
	static unsigned char buf[65536];
	uint32_t x = 12345;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t done = 0; done < TRANSFER_BYTES; done += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (unsigned char)(x >> 16);
		}
		h = fnv1a(h, buf, sizeof(buf));
		if (write_all(c, buf, sizeof(buf)))
			break;
	}
	sent_hash = h;
	close(c);
	return 0;
}

static void check_transfer(void)
{
	int c, s;
	CHECK(!tcp_pair(7600, &c, &s), "transfer", "connect");
	pthread_t t;
	pthread_create(&t, 0, transfer_sender, (void *)(intptr_t)c);
	static unsigned char buf[32768];
	uint64_t h = 0xcbf29ce484222325ull;
	size_t total = 0;
	ssize_t n;
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0) {
		h = fnv1a(h, buf, (size_t)n);
		total += (size_t)n;
	}
	pthread_join(t, 0);
	close(s);
	CHECK(total == TRANSFER_BYTES && h == sent_hash, "transfer",
	      "%zu bytes, hash %016llx, sent %016llx", total,
	      (unsigned long long)h, (unsigned long long)sent_hash);
	printf("PASS transfer %zu bytes fnv1a %016llx\n", total,
	       (unsigned long long)h);
}

/* ---- getaddrinfo ---- */

static void check_getaddrinfo(void)
{
	struct addrinfo hints = {.ai_family = AF_INET,
	                         .ai_socktype = SOCK_STREAM},
	                *res;
	int r = getaddrinfo("localhost", "7700", &hints, &res);
	CHECK(r == 0, "getaddrinfo", "localhost: %s", gai_strerror(r));
	struct sockaddr_in *a = (struct sockaddr_in *)res->ai_addr;
	CHECK(a->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	          a->sin_port == htons(7700),
	      "getaddrinfo", "localhost is %08x", ntohl(a->sin_addr.s_addr));
	/* The answer works: connect to a listener through it. */
	int l = listener(7700);
	int c = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	CHECK(l >= 0 && !connect(c, res->ai_addr, res->ai_addrlen),
	      "getaddrinfo", "connect to the answer");
	freeaddrinfo(res);
	close(c);
	close(l);
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_NUMERICHOST;
	r = getaddrinfo("127.0.0.1", "80", &hints, &res);
	CHECK(r == 0 && res->ai_family == AF_INET, "getaddrinfo", "numeric: %s",
	      gai_strerror(r));
	freeaddrinfo(res);
	r = getaddrinfo("::1", "80", &hints, &res);
	CHECK(r == 0 && res->ai_family == AF_INET6, "getaddrinfo",
	      "numeric IPv6: %s", gai_strerror(r));
	freeaddrinfo(res);
	printf("PASS getaddrinfo localhost and numeric\n");
}

/* ---- IPv6 loopback ---- */

static void check_ipv6(void)
{
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6,
	                         .sin6_port = htons(7800),
	                         .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	CHECK(l >= 0 && !bind(l, (struct sockaddr *)&a, sizeof(a)) &&
	          !listen(l, 4),
	      "ipv6", "listen on [::1]");
	int c = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK(!connect(c, (struct sockaddr *)&a, sizeof(a)), "ipv6", "connect");
	int s = accept(l, 0, 0);
	char buf[4];
	CHECK(s >= 0 && write(c, "six", 3) == 3 && read_all(s, buf, 3) == 0 &&
	          !memcmp(buf, "six", 3),
	      "ipv6", "exchange");
	close(s);
	close(c);
	close(l);
	printf("PASS ipv6 loopback\n");
}

/* ---- lwIP's timers (TCP, reassembly, IPv6 neighbours) run while idle ---- */

static void check_idle_timers(void)
{
	int c, s;
	CHECK(!tcp_pair(7900, &c, &s), "idle-timers", "connect");
	sleep(3); /* every cyclic timer fires at least twice */
	char buf[5];
	CHECK(write(c, "after", 5) == 5 && read_all(s, buf, 5) == 0 &&
	          !memcmp(buf, "after", 5),
	      "idle-timers", "exchange after 3 s idle");
	close(c);
	close(s);
	printf("PASS idle-timers\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	check_tcp_echo();
	check_udp();
	check_writev();
	check_poll();
	check_select();
	check_epoll();
	check_epoll_queue();
	check_nonblocking();
	check_rcvtimeo();
	check_half_close();
	check_transfer();
	check_getaddrinfo();
	check_ipv6();
	check_idle_timers();
	printf("net-loopback: %d failures\n", failures);
	return failures;
}
