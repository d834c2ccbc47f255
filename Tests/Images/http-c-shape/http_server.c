/*
 * A small HTTP/1.1 server for kraft's network tests and bench: it listens on
 * port 8080 (or argv[1]), answers every request with a fixed page, keeps a
 * connection open while the client asks for keep-alive (wrk does), and exits
 * with status 0 after answering "GET /exit". One connection at a time: the
 * point is the stack and the device, not the server.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAGE "Hello from kraft!\n"

static const char reply[] = "HTTP/1.1 200 OK\r\n"
                            "Content-Type: text/plain\r\n"
                            "Content-Length: 18\r\n"
                            "\r\n" PAGE;

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The first occurrence of needle in data[0..len), or NULL. */
static char *find(char *data, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(data + i, needle, n) == 0)
			return data + i;
	return NULL;
}

/* Answers the requests of one connection; 1 when one of them was /exit. */
static int serve(int fd)
{
	char buf[2048];
	size_t have = 0;
	for (;;) {
		char *end;
		while ((end = find(buf, have, "\r\n\r\n")) == NULL) {
			if (have == sizeof(buf))
				return 0; /* a header larger than we read: drop
				             it */
			ssize_t n = read(fd, buf + have, sizeof(buf) - have);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return 0;
			have += (size_t)n;
		}
		size_t used = (size_t)(end + 4 - buf);
		int quit = have >= 9 && memcmp(buf, "GET /exit", 9) == 0;
		int close_after = find(buf, used, "Connection: close") != NULL;
		if (write_all(fd, reply, sizeof(reply) - 1) < 0)
			return 0;
		if (quit)
			return 1;
		if (close_after)
			return 0;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
}

int main(int argc, char *argv[])
{
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0) {
		perror("socket");
		return 1;
	}
	int one = 1;
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in address = {
	    .sin_family = AF_INET,
	    .sin_port = htons((unsigned short)port),
	    .sin_addr = {htonl(INADDR_ANY)},
	};
	if (bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0) {
		perror("bind");
		return 1;
	}
	if (listen(listener, 64) < 0) {
		perror("listen");
		return 1;
	}
	printf("listening on port %d\n", port);
	fflush(stdout);
	for (;;) {
		int fd = accept(listener, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		int quit = serve(fd);
		close(fd);
		if (quit) {
			printf("exit requested\n");
			return 0;
		}
	}
}
