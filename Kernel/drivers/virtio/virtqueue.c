/*
 * Split virtqueues (virtio 1.x section 2.7). The three rings share one run
 * of zeroed pages: descriptors, then the available ring, then the used ring
 * at a 4-byte boundary. Free descriptors form a chain through their next
 * fields. Added chains are published by virtqueue_kick, which writes
 * avail->idx once for all of them; the device is notified only when it has
 * not set VIRTQ_USED_F_NO_NOTIFY. Barriers: descriptors before the index
 * the device reads (release), the used index before the entries it covers
 * (acquire), and a full fence between publishing and reading the device's
 * flags, so that a device about to sleep cannot be missed.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/virtio.h>

static uint16_t vq_read16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

unsigned virtio_page_order(size_t bytes)
{
	unsigned order = 0;
	while ((ARCH_PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static int rings_alloc(struct virtqueue *vq, unsigned size)
{
	size_t desc_bytes = 16 * (size_t)size;
	size_t avail_bytes = 6 + 2 * (size_t)size;
	size_t used_off = (desc_bytes + avail_bytes + 3) & ~(size_t)3;
	size_t total = used_off + 6 + 8 * (size_t)size;

	vq->memory_order = virtio_page_order(total);
	vq->memory = kpage_alloc(vq->memory_order);
	vq->cookies = kcalloc(size, sizeof(void *));
	if (!vq->memory || !vq->cookies) {
		if (vq->memory)
			kpage_free(vq->memory, vq->memory_order);
		kfree(vq->cookies);
		return -KENOMEM;
	}
	kmemset(vq->memory, 0, ARCH_PAGE_SIZE << vq->memory_order);
	vq->size = (uint16_t)size;
	vq->desc = vq->memory;
	vq->avail = (struct virtq_avail *)((char *)vq->memory + desc_bytes);
	vq->used = (struct virtq_used *)((char *)vq->memory + used_off);
	for (unsigned i = 0; i + 1 < size; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nfree = (uint16_t)size;
	vq->last_used = 0;
	return 0;
}

int virtqueue_setup(struct virtqueue *vq, struct virtio_device *dev,
                    unsigned index, unsigned max_size)
{
	unsigned size = max_size;

	*vq = (struct virtqueue){.dev = dev, .index = (uint16_t)index};
	if (dev) {
		unsigned device_max = dev->ops->queue_max_size(dev, index);
		if (!device_max)
			return -KENOENT;
		if (device_max < size)
			size = device_max;
	}
	if (size == 0 || size > 32768)
		return -KEINVAL;
	while (size & (size - 1))
		size &= size - 1; /* round down to a power of two */
	int err = rings_alloc(vq, size);
	if (err || !dev)
		return err;
	return dev->ops->queue_enable(dev, vq);
}

int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
                  unsigned n, void *cookie)
{
	if (n == 0 || n > vq->nfree)
		return -KENOSPC;
	uint16_t head = vq->free_head, i = head, last = head;
	for (unsigned k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];
		d->addr = (uint64_t)(uintptr_t)bufs[k].addr;
		d->len = bufs[k].len;
		d->flags =
		    (uint16_t)((bufs[k].device_writes ? VIRTQ_DESC_F_WRITE
		                                      : 0) |
		               (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		last = i;
		i = d->next;
	}
	vq->free_head = vq->desc[last].next;
	vq->nfree = (uint16_t)(vq->nfree - n);
	vq->cookies[head] = cookie;
	/* Into the slot after those added since the last kick. */
	vq->avail->ring[(uint16_t)(vq->avail->idx + vq->unpublished) &
	                (vq->size - 1)] = head;
	vq->unpublished++;
	return 0;
}

void virtqueue_kick(struct virtqueue *vq)
{
	if (!vq->unpublished)
		return;
	__atomic_store_n(&vq->avail->idx,
	                 (uint16_t)(vq->avail->idx + vq->unpublished),
	                 __ATOMIC_RELEASE);
	vq->unpublished = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->dev && !(vq_read16(&vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY))
		vq->dev->ops->notify(vq->dev, vq);
}

bool virtqueue_has_used(const struct virtqueue *vq)
{
	return __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) !=
	       vq->last_used;
}

void *virtqueue_get(struct virtqueue *vq, uint32_t *len)
{
	if (!virtqueue_has_used(vq))
		return 0;
	struct virtq_used_elem *e =
	    &vq->used->ring[vq->last_used & (vq->size - 1)];
	uint16_t head = (uint16_t)e->id, i = head;
	if (len)
		*len = e->len;
	vq->last_used++;

	/* Back onto the free chain: the whole chain, ahead of the rest. */
	uint16_t n = 1;
	while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->nfree = (uint16_t)(vq->nfree + n);
	void *cookie = vq->cookies[head];
	vq->cookies[head] = 0;
	return cookie;
}

void virtqueue_interrupts(struct virtqueue *vq, bool enable)
{
	uint16_t flags = enable ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
	__atomic_store_n(&vq->avail->flags, flags, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
