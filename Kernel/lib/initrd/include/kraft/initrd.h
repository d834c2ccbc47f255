/*
 * The initrd: a cpio archive in the "newc" format (what `kraft build`
 * writes from a Kraftfile's rootfs:) unpacked into the VFS at boot, so it
 * appears at "/". Directories and regular files are created; other entry
 * types (links, devices) are skipped with a warning. The archive must stay
 * where it is, in writable RAM, for good: files read their bytes in place,
 * and after a file whose bytes start on a page the rest of that page is
 * zeroed once the entries that follow are read (so it maps like a Linux
 * file's last page).
 *
 * Error contract: 0 or a negative errno (-KEINVAL for a malformed archive,
 * naming the entry in the log).
 */
#ifndef KRAFT_INITRD_H
#define KRAFT_INITRD_H

#include <stddef.h>

int initrd_unpack(const void *archive, size_t size);

#endif /* KRAFT_INITRD_H */
