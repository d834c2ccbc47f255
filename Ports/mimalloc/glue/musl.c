/*
 * musl calls its allocator by internal names where a program's own malloc
 * must not be reached (locale data, time zones, atexit blocks, aio, posix_spawn
 * file actions). Those names live in musl's src/malloc, which the musl port
 * leaves out when mimalloc is in the image: here they are mimalloc's.
 */
#include <stddef.h>

#include "mimalloc.h"

#define hidden __attribute__((__visibility__("hidden")))

hidden void *__libc_malloc(size_t size)
{
	return mi_malloc(size);
}

hidden void *__libc_calloc(size_t count, size_t size)
{
	return mi_calloc(count, size);
}

hidden void *__libc_realloc(void *p, size_t size)
{
	return mi_realloc(p, size);
}

hidden void __libc_free(void *p)
{
	mi_free(p);
}

/* C11's aligned_alloc: upstream's override defines it only where glibc's
 * headers say C11 (__USE_ISOC11); musl has it always. */
void *aligned_alloc(size_t alignment, size_t size)
{
	return mi_aligned_alloc(alignment, size);
}
