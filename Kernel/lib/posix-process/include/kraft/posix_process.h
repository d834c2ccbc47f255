/*
 * The process as a libc sees it at start-up: the vector Linux leaves on a
 * new process's stack (argc, argv, envp, auxv), built by the kernel so that
 * an unmodified libc start-up (musl's __init_libc and TLS set-up) runs as it
 * would on Linux.
 *
 * envp comes from kernel arguments "env.KEY=VALUE" (kraft run turns the
 * Kraftfile's env: into them); auxv holds AT_PHDR/AT_PHNUM/AT_PHENT (a
 * program-header table describing the image), AT_PAGESZ, AT_RANDOM (16
 * random bytes), AT_CLKTCK, the ids (all 0) and AT_SECURE = 0.
 */
#ifndef KRAFT_POSIX_PROCESS_H
#define KRAFT_POSIX_PROCESS_H

#include <stddef.h>

#include <kraft/abi.h>

/* The kernel-argument prefix that marks an environment variable. */
#define KPOSIX_ENV_PREFIX KRAFT_CMDLINE_ENV_PREFIX

/*
 * Returns the vector {argc, argv[0..argc-1], NULL, envp..., NULL, auxv
 * pairs..., AT_NULL, 0}; the kernel panics if it cannot allocate it (the
 * application could not start anyway).
 */
long *kposix_start_vector(int argc, char **argv);

/* Fills buf with random bytes: the CPU's generator, else a seeded one. */
void kposix_random_bytes(void *buf, size_t n);

#endif /* KRAFT_POSIX_PROCESS_H */
