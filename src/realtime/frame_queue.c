#include "realtime/frame_queue.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

struct frame *frame_new(const char *text, size_t len)
{
	struct frame *f = xmalloc(sizeof(*f) + FRAME_HEADROOM + len + 1);
	atomic_init(&f->refs, 1);
	f->close_code = 0;
	f->type = "event";
	f->len = len;
	memcpy(f->data + FRAME_HEADROOM, text, len);
	f->data[FRAME_HEADROOM + len] = '\0';
	return f;
}

struct frame *frame_new_close(int code, const char *reason)
{
	/* A close reason is at most 123 bytes on the wire. */
	size_t n = strlen(reason);
	struct frame *f = frame_new(reason, n > 123 ? 123 : n);
	f->close_code = code;
	f->type = "close";
	return f;
}

struct frame *frame_ref(struct frame *f)
{
	atomic_fetch_add(&f->refs, 1);
	return f;
}

void frame_unref(struct frame *f)
{
	if (f && atomic_fetch_sub(&f->refs, 1) == 1)
		free(f);
}

void frame_queue_init(struct frame_queue *q, size_t cap)
{
	q->ring = xcalloc(cap ? cap : 1, sizeof(*q->ring));
	q->cap = cap ? cap : 1;
	q->head = 0;
	q->count = 0;
}

bool frame_queue_push(struct frame_queue *q, struct frame *f)
{
	if (q->count == q->cap)
		return false;
	q->ring[(q->head + q->count) % q->cap] = frame_ref(f);
	q->count++;
	return true;
}

struct frame *frame_queue_pop(struct frame_queue *q)
{
	if (q->count == 0)
		return NULL;
	struct frame *f = q->ring[q->head];
	q->ring[q->head] = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return f;
}

void frame_queue_release(struct frame_queue *q)
{
	struct frame *f;
	while ((f = frame_queue_pop(q)))
		frame_unref(f);
	free(q->ring);
	memset(q, 0, sizeof(*q));
}

enum cursor_step cursor_decide(int64_t last_sent, int64_t cursor)
{
	if (cursor <= last_sent)
		return CURSOR_DUPLICATE;
	return cursor == last_sent + 1 ? CURSOR_DELIVER : CURSOR_GAP;
}

enum replay_start replay_decide(int64_t since, int64_t head, int64_t oldest)
{
	if (since > head)
		return REPLAY_RESYNC;          /* a cursor this feed never gave out */
	if (since == head)
		return REPLAY_FROM_SINCE;      /* nothing missed */
	/* since < head: rows since+1 .. head must all be kept. */
	return oldest != 0 && oldest <= since + 1 ? REPLAY_FROM_SINCE : REPLAY_RESYNC;
}
