/*
 * An HTTP/1.1 server serving many connections at once from one epoll loop
 * over non-blocking sockets (keep-alive, pipelined requests), for the load,
 * leak, transfer and DNS tests (KraftBootTests: NetHTTPLoadTests) and the
 * bench's multi-connection run. Port 8080 (or argv[1]). Endpoints:
 *
 *   GET  /              "Hello from kraft!\n"
 *   GET  /meminfo       the kernel's free and available memory:
 *                       "MemFree <bytes> MemAvailable <bytes>\n" (from
 *                       /proc/meminfo; available adds what caches would
 *                       give back), so a client compares before and after
 *                       a load
 *   GET  /stats         "accepted A open O most-open M\n"
 *   GET  /blob/N        N bytes of a fixed pseudo-random stream, with its
 *                       SHA-256 in the X-Sha256 header
 *   POST /sha256        the SHA-256 of the request body
 *   GET  /resolve/NAME  the first IPv4 address getaddrinfo gives for NAME
 *   GET  /exit          answers, then exits 0
 *
 * A request with "Connection: close" gets it back in the response, and the
 * server then waits for the client to close (reading nothing more): the
 * side that closes first keeps the connection in TIME_WAIT for two segment
 * lifetimes (two minutes in lwIP), and here that is the client, so a
 * finished load leaves no connection state in the guest and its free memory
 * can be compared at once.
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sha256.h"

#define IN_SIZE  4096
#define OUT_SIZE 16384

struct conn {
	int fd;
	int writing; /* a response is being sent: wait for EPOLLOUT */
	int exit_after;
	int close_asked; /* the request said "Connection: close" */
	int draining; /* answered that request: wait for the client's close */
	size_t in_len;
	uint64_t body_left; /* POST body bytes still to hash */
	struct sha256 body_hash;
	size_t out_len, out_off;
	uint64_t blob_left; /* stream bytes still to put into out */
	uint64_t blob_state;
	char in[IN_SIZE];
	char out[OUT_SIZE];
};

/*
 * Connections live in a fixed table (one per descriptor the Kraftfile
 * allows), not in malloc'd blocks: musl's malloc keeps some freed blocks for
 * reuse, more or fewer with the timing of a load, which the kernel's figure
 * of available memory would count as used. With the table, what a load
 * leaves allocated is the kernel's and lwIP's alone.
 */
#define MAX_CONNS 1024
static struct conn conns[MAX_CONNS];
static struct conn *free_conns[MAX_CONNS];
static unsigned nfree_conns;

static int epfd;
static unsigned long accepted, open_now, most_open;

/* xorshift64: the /blob stream, 8 bytes per step. */
static uint64_t next_word(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static size_t blob_fill(uint64_t *state, char *buf, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w = next_word(state);
		memcpy(buf + i, &w, 8);
	}
	return i;
}

#define BLOB_SEED 0x9e3779b97f4a7c15ull

static void blob_hash(uint64_t size, char hex[65])
{
	struct sha256 h;
	uint64_t state = BLOB_SEED;
	static char chunk[OUT_SIZE];
	sha256_init(&h);
	while (size) {
		size_t n = blob_fill(&state, chunk, sizeof(chunk));
		if (n > size)
			n = (size_t)size;
		sha256_update(&h, chunk, n);
		size -= n;
	}
	sha256_hex(&h, hex);
}

/* The figure of /proc/meminfo's line "<field>: N kB", in bytes; -1 without. */
static long meminfo_bytes(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128], name[32];
	long kb = -1, value;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31[^:]: %ld kB", name, &value) == 2 &&
		    !strcmp(name, field)) {
			kb = value;
			break;
		}
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

static void watch(struct conn *c, uint32_t events, int op)
{
	struct epoll_event e = {.events = events, .data.ptr = c};
	if (epoll_ctl(epfd, op, c->fd, &e))
		perror("epoll_ctl");
}

static void conn_close(struct conn *c)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, 0);
	close(c->fd);
	free_conns[nfree_conns++] = c;
	open_now--;
}

/* Starts a response whose body is text (or, with blob_size, the stream). */
static void respond(struct conn *c, int status, const char *extra,
                    const char *text, uint64_t blob_size)
{
	size_t body = text ? strlen(text) : 0;
	int n = snprintf(c->out, OUT_SIZE,
	                 "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
	                 "Content-Length: %llu\r\n%s%s\r\n%s",
	                 status, status == 200 ? "OK" : "Error",
	                 (unsigned long long)(text ? body : blob_size),
	                 c->close_asked ? "Connection: close\r\n" : "",
	                 extra ? extra : "", text ? text : "");
	c->draining = c->close_asked;
	c->out_len = (size_t)n;
	c->out_off = 0;
	c->blob_left = text ? 0 : blob_size;
	c->blob_state = BLOB_SEED;
	c->writing = 1;
}

static void route(struct conn *c, const char *method, const char *path)
{
	char text[160];
	if (!strcmp(method, "POST") && !strcmp(path, "/sha256")) {
		sha256_hex(&c->body_hash, text);
		strcat(text, "\n");
		respond(c, 200, 0, text, 0);
	} else if (!strcmp(path, "/")) {
		respond(c, 200, 0, "Hello from kraft!\n", 0);
	} else if (!strcmp(path, "/meminfo")) {
		snprintf(text, sizeof(text), "MemFree %ld MemAvailable %ld\n",
		         meminfo_bytes("MemFree"),
		         meminfo_bytes("MemAvailable"));
		respond(c, 200, 0, text, 0);
	} else if (!strcmp(path, "/stats")) {
		snprintf(text, sizeof(text),
		         "accepted %lu open %lu most-open %lu\n", accepted,
		         open_now, most_open);
		respond(c, 200, 0, text, 0);
	} else if (!strncmp(path, "/blob/", 6)) {
		uint64_t size = strtoull(path + 6, 0, 10);
		char hex[65], header[96];
		blob_hash(size, hex);
		snprintf(header, sizeof(header), "X-Sha256: %s\r\n", hex);
		respond(c, 200, header, 0, size);
	} else if (!strncmp(path, "/resolve/", 9)) {
		struct addrinfo hints = {.ai_family = AF_INET,
		                         .ai_socktype = SOCK_STREAM},
		                *found;
		int r = getaddrinfo(path + 9, 0, &hints, &found);
		if (r) {
			snprintf(text, sizeof(text), "getaddrinfo: %s\n",
			         gai_strerror(r));
			respond(c, 502, 0, text, 0);
			return;
		}
		inet_ntop(AF_INET,
		          &((struct sockaddr_in *)found->ai_addr)->sin_addr,
		          text, sizeof(text) - 1);
		strcat(text, "\n");
		freeaddrinfo(found);
		respond(c, 200, 0, text, 0);
	} else if (!strcmp(path, "/exit")) {
		c->exit_after = 1;
		respond(c, 200, 0, "bye\n", 0);
	} else {
		respond(c, 404, 0, "not found\n", 0);
	}
}

/* Parses one request head from c->in if it is whole; 1 when it was. */
static int take_request(struct conn *c, char *method, char *path)
{
	char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	if (!end)
		return 0;
	*end = 0;
	size_t head = (size_t)(end - c->in) + 4;
	if (sscanf(c->in, "%7s %255s", method, path) != 2)
		strcpy(path, "?");
	uint64_t length = 0;
	for (char *line = strstr(c->in, "\r\n"); line;
	     line = strstr(line + 2, "\r\n"))
		if (!strncasecmp(line + 2, "Content-Length:", 15))
			length = strtoull(line + 17, 0, 10);
		else if (!strncasecmp(line + 2, "Connection: close", 17))
			c->close_asked = 1;
	/* Body bytes that came with the head are hashed now. */
	size_t have = c->in_len - head;
	size_t now = have < length ? have : (size_t)length;
	sha256_init(&c->body_hash);
	sha256_update(&c->body_hash, c->in + head, now);
	c->body_left = length - now;
	memmove(c->in, c->in + head + now, have - now);
	c->in_len = have - now;
	return 1;
}

static void serve_input(struct conn *c);

/* Sends what is ready; refills from the stream; 0 when the connection is
 * gone. */
static int send_output(struct conn *c)
{
	for (;;) {
		if (c->out_off == c->out_len && c->blob_left) {
			size_t n = blob_fill(&c->blob_state, c->out, OUT_SIZE);
			c->out_len =
			    n < c->blob_left ? n : (size_t)c->blob_left;
			c->out_off = 0;
			c->blob_left -= c->out_len;
		}
		if (c->out_off == c->out_len)
			break;
		ssize_t w =
		    write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w < 0 && errno == EAGAIN) {
			watch(c, EPOLLOUT, EPOLL_CTL_MOD);
			return 1;
		}
		if (w <= 0) {
			conn_close(c);
			return 0;
		}
		c->out_off += (size_t)w;
	}
	if (c->exit_after) {
		printf("net-http-load: exit requested\n");
		exit(0);
	}
	c->writing = 0;
	watch(c, EPOLLIN, EPOLL_CTL_MOD);
	return 1;
}

/* Reads and answers until the socket has nothing more (or is closed). */
static void serve_input(struct conn *c)
{
	char method[8], path[256];
	for (;;) {
		if (c->draining) {
			ssize_t r = read(c->fd, c->in, IN_SIZE);
			if (r < 0 && errno == EAGAIN)
				return;
			if (r <= 0) {
				conn_close(c);
				return;
			}
			continue;
		}
		if (c->body_left) {
			static char chunk[OUT_SIZE];
			size_t want = c->body_left < sizeof(chunk)
			                  ? (size_t)c->body_left
			                  : sizeof(chunk);
			ssize_t r = read(c->fd, chunk, want);
			if (r < 0 && errno == EAGAIN)
				return;
			if (r <= 0) {
				conn_close(c);
				return;
			}
			sha256_update(&c->body_hash, chunk, (size_t)r);
			c->body_left -= (uint64_t)r;
			if (!c->body_left) {
				route(c, "POST", "/sha256");
				if (!send_output(c) || c->writing)
					return;
			}
			continue;
		}
		if (take_request(c, method, path)) {
			if (c->body_left)
				continue;
			route(c, method, path);
			if (!send_output(c) || c->writing)
				return;
			continue;
		}
		if (c->in_len == IN_SIZE) {
			conn_close(c); /* a head longer than the buffer */
			return;
		}
		ssize_t r = read(c->fd, c->in + c->in_len, IN_SIZE - c->in_len);
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			conn_close(c);
			return;
		}
		c->in_len += (size_t)r;
	}
}

/*
 * TCP keep-alive on every connection, probing after 5 idle seconds, every
 * second, 3 times. A client that closes with a response still unread sends
 * a reset, not a FIN (wrk does so with every connection when it stops), and
 * a reset is never sent again: when it is lost on the way (a burst of
 * 1,000 of them overflows the host's tap queue while the guest is busy),
 * the connection stays open here for good, holding its slot, its socket
 * and its memory, and the next load finds the table full. A probe of such
 * a connection gets a fresh reset (or, unanswered, lwIP drops it after the
 * third), so dead connections go within about 10 seconds.
 */
static void keep_alive(int fd)
{
	int on = 1, idle = 5, interval = 1, count = 3;
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

static void accept_all(int listener)
{
	for (;;) {
		int fd = accept4(listener, 0, 0, SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN)
				perror("accept4");
			return;
		}
		if (!nfree_conns) {
			close(fd);
			continue;
		}
		struct conn *c = free_conns[--nfree_conns];
		memset(c, 0, offsetof(struct conn, in));
		c->fd = fd;
		int on = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		keep_alive(fd);
		accepted++;
		if (++open_now > most_open)
			most_open = open_now;
		watch(c, EPOLLIN, EPOLL_CTL_ADD);
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	for (unsigned i = 0; i < MAX_CONNS; i++)
		free_conns[nfree_conns++] = &conns[MAX_CONNS - 1 - i];
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int on = 1;
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	if (bind(listener, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(listener, 1024)) {
		perror("listen");
		return 1;
	}
	epfd = epoll_create1(0);
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = 0};
	epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &e);
	printf("net-http-load: listening on port %d\n", port);
	fflush(stdout);
	struct epoll_event ready[64];
	for (;;) {
		int n = epoll_wait(epfd, ready, 64, -1);
		if (n < 0 && errno != EINTR) {
			perror("epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = ready[i].data.ptr;
			if (!c)
				accept_all(listener);
			else if (c->writing) {
				/* Then the requests that came meanwhile. */
				if (send_output(c) && !c->writing)
					serve_input(c);
			} else
				serve_input(c);
		}
	}
}
