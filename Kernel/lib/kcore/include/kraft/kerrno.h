/*
 * Error numbers used by kernel interfaces, which return them negated
 * (-KENOMEM). The values are Linux's, so a libc (nolibc, musl) can pass them
 * to applications unchanged as errno.
 */
#ifndef KRAFT_KERRNO_H
#define KRAFT_KERRNO_H

#define KEPERM     1
#define KENOENT    2
#define KEINTR     4
#define KEIO       5
#define KEAGAIN    11
#define KENOMEM    12
#define KEBUSY     16
#define KENODEV    19
#define KEINVAL    22
#define KENOSPC    28
#define KERANGE    34
#define KEDEADLK   35
#define KENOSYS    38
#define KEMSGSIZE  90
#define KETIMEDOUT 110

#endif /* KRAFT_KERRNO_H */
