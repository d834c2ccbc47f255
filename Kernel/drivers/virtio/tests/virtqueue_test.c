/*
 * Split virtqueue ring logic without a device: the test plays the device,
 * reading the available ring and writing the used ring as virtio 1.x says.
 */
#include <kraft/alloc.h>
#include <kraft/kerrno.h>
#include <kraft/ktest.h>
#include <kraft/virtio.h>

/* As a device would: takes the next available head and marks it used. */
static uint16_t device_consume(struct virtqueue *vq, uint16_t *seen,
                               uint32_t written)
{
	uint16_t head = vq->avail->ring[*seen & (vq->size - 1)];
	(*seen)++;
	struct virtq_used_elem *e =
	    &vq->used->ring[vq->used->idx & (vq->size - 1)];
	e->id = head;
	e->len = written;
	vq->used->idx++;
	return head;
}

static void release(struct virtqueue *vq)
{
	kpage_free(vq->memory, vq->memory_order);
	kfree(vq->cookies);
}

KTEST(virtqueue, size_rounds_down_to_a_power_of_two)
{
	struct virtqueue vq;
	KT_ASSERT(kt, virtqueue_setup(&vq, 0, 0, 100) == 0);
	KT_EXPECT_EQ(kt, vq.size, 64);
	KT_EXPECT_EQ(kt, vq.nfree, 64);
	KT_EXPECT_EQ(kt, (uintptr_t)vq.used % 4, 0);
	release(&vq);
}

KTEST(virtqueue, chains_are_published_only_by_kick)
{
	struct virtqueue vq;
	char a[8], b[16];
	struct virtq_buf bufs[] = {{a, sizeof a, false}, {b, sizeof b, true}};
	KT_ASSERT(kt, virtqueue_setup(&vq, 0, 0, 8) == 0);

	KT_EXPECT_EQ(kt, virtqueue_add(&vq, bufs, 2, a), 0);
	KT_EXPECT_EQ(kt, vq.avail->idx, 0);
	KT_EXPECT_EQ(kt, vq.nfree, 6);
	virtqueue_kick(&vq);
	KT_EXPECT_EQ(kt, vq.avail->idx, 1);

	uint16_t head = vq.avail->ring[0];
	KT_EXPECT_EQ(kt, vq.desc[head].addr, (uintptr_t)a);
	KT_EXPECT_EQ(kt, vq.desc[head].flags, VIRTQ_DESC_F_NEXT);
	uint16_t second = vq.desc[head].next;
	KT_EXPECT_EQ(kt, vq.desc[second].addr, (uintptr_t)b);
	KT_EXPECT_EQ(kt, vq.desc[second].len, 16);
	KT_EXPECT_EQ(kt, vq.desc[second].flags, VIRTQ_DESC_F_WRITE);
	release(&vq);
}

KTEST(virtqueue, used_chains_return_cookie_length_and_descriptors)
{
	struct virtqueue vq;
	char a[8], b[16];
	struct virtq_buf bufs[] = {{a, sizeof a, false}, {b, sizeof b, true}};
	uint16_t seen = 0;
	uint32_t len = 0;
	KT_ASSERT(kt, virtqueue_setup(&vq, 0, 0, 4) == 0);

	KT_EXPECT(kt, !virtqueue_has_used(&vq));
	KT_EXPECT(kt, virtqueue_get(&vq, &len) == 0);
	KT_EXPECT_EQ(kt, virtqueue_add(&vq, bufs, 2, a), 0);
	KT_EXPECT_EQ(kt, virtqueue_add(&vq, bufs, 2, b), 0);
	KT_EXPECT_EQ(kt, virtqueue_add(&vq, bufs, 1, a), -KENOSPC);
	virtqueue_kick(&vq);

	device_consume(&vq, &seen, 5);
	KT_EXPECT(kt, virtqueue_has_used(&vq));
	KT_EXPECT(kt, virtqueue_get(&vq, &len) == a);
	KT_EXPECT_EQ(kt, len, 5);
	KT_EXPECT_EQ(kt, vq.nfree, 2);
	device_consume(&vq, &seen, 7);
	KT_EXPECT(kt, virtqueue_get(&vq, &len) == b);
	KT_EXPECT_EQ(kt, len, 7);
	KT_EXPECT_EQ(kt, vq.nfree, 4);
	release(&vq);
}

KTEST(virtqueue, indices_wrap_around_the_ring)
{
	struct virtqueue vq;
	char a[4];
	struct virtq_buf buf = {a, sizeof a, true};
	uint16_t seen = 0;
	KT_ASSERT(kt, virtqueue_setup(&vq, 0, 0, 4) == 0);

	/* Many more rounds than entries: every slot is reused. */
	for (unsigned round = 0; round < 50; round++) {
		KT_ASSERT(kt, virtqueue_add(&vq, &buf, 1, a + round % 4) == 0);
		KT_ASSERT(kt, virtqueue_add(&vq, &buf, 1, a) == 0);
		virtqueue_kick(&vq);
		device_consume(&vq, &seen, round);
		device_consume(&vq, &seen, 0);
		uint32_t len;
		KT_ASSERT(kt, virtqueue_get(&vq, &len) == a + round % 4);
		KT_EXPECT_EQ(kt, len, round);
		KT_ASSERT(kt, virtqueue_get(&vq, &len) == a);
	}
	KT_EXPECT_EQ(kt, vq.nfree, 4);
	KT_EXPECT_EQ(kt, vq.avail->idx, 100);
	release(&vq);
}

KTEST(virtqueue, interrupt_suppression_sets_the_avail_flag)
{
	struct virtqueue vq;
	KT_ASSERT(kt, virtqueue_setup(&vq, 0, 0, 2) == 0);
	virtqueue_interrupts(&vq, false);
	KT_EXPECT_EQ(kt, vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtqueue_interrupts(&vq, true);
	KT_EXPECT_EQ(kt, vq.avail->flags, 0);
	release(&vq);
}
