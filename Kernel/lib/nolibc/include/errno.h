/* nolibc: errno (one global: threads share it until there is TLS). */
#ifndef _NOLIBC_ERRNO_H
#define _NOLIBC_ERRNO_H

int *__errno_location(void);
#define errno (*__errno_location())

/* Linux's numbers, as the kernel uses them (kraft/kerrno.h). */
#define EPERM     1
#define ENOENT    2
#define EINTR     4
#define EIO       5
#define EAGAIN    11
#define ENOMEM    12
#define EBUSY     16
#define EINVAL    22
#define ERANGE    34
#define EDEADLK   35
#define ENOSYS    38
#define ETIMEDOUT 110

#endif
