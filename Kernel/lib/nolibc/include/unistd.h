/* nolibc: <unistd.h>, the little that makes sense without processes. */
#ifndef _NOLIBC_UNISTD_H
#define _NOLIBC_UNISTD_H

#include <stddef.h>

typedef long ssize_t;

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

unsigned sleep(unsigned seconds);
int usleep(unsigned long usec);
ssize_t write(int fd, const void *buf, size_t n);

#endif
