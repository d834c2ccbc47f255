/*
 * What posix-fd's files tell epoll (epoll.c) about nodes: a change of a
 * node's readiness (kfd_vnode_changed) and the close of its last open file
 * (kfile_put), so an epoll keeps its list of interests that may be ready.
 */
#ifndef KRAFT_POSIX_FD_READINESS_H
#define KRAFT_POSIX_FD_READINESS_H

#include <kraft/vfs.h>

/* Every epoll interest in vn is checked at its epoll's next wait. */
void epoll_node_changed(struct vnode *vn);
/* vn's last open file closed: its interests are dropped at their epolls'
 * next wait, and none refers to vn any more. */
void epoll_node_closed(struct vnode *vn);

#endif /* KRAFT_POSIX_FD_READINESS_H */
