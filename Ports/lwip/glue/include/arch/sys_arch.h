/*
 * lwIP's operating-system types on kraft's scheduler: semaphores and
 * mutexes are the kernel's, a mailbox is a ring of pointers guarded by two
 * counting semaphores, a thread is a kernel thread. Each object carries a
 * valid flag because lwIP asks whether one was created.
 */
#ifndef KRAFT_LWIP_ARCH_SYS_ARCH_H
#define KRAFT_LWIP_ARCH_SYS_ARCH_H

#include <kraft/sched.h>

typedef struct {
	struct ksem sem;
	int valid;
} sys_sem_t;

typedef struct {
	struct kmutex mutex;
	int valid;
} sys_mutex_t;

typedef struct {
	void **slots;
	int size, head, count;
	struct ksem filled, free;
	int valid;
} sys_mbox_t;

typedef struct thread *sys_thread_t;

#define sys_sem_valid(s)         ((s)->valid)
#define sys_sem_set_invalid(s)   ((s)->valid = 0)
#define sys_mutex_valid(m)       ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)
#define sys_mbox_valid(m)        ((m)->valid)
#define sys_mbox_set_invalid(m)  ((m)->valid = 0)

typedef unsigned long sys_prot_t;

#endif /* KRAFT_LWIP_ARCH_SYS_ARCH_H */
