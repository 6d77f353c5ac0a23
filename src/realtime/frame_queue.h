/*
 * frame_queue.h - the pure parts of the real-time gateway: shared frames,
 * the bounded per-connection queue, and the cursor rule that merges replay
 * and live events. No locks and no I/O here; the hub (hub.h) holds its lock
 * around every call.
 */
#ifndef TODOD_REALTIME_FRAME_QUEUE_H
#define TODOD_REALTIME_FRAME_QUEUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes kept free in front of every frame for the WebSocket header
 * (libwebsockets' LWS_PRE; gateway.c checks it fits). */
#define FRAME_HEADROOM 32

/* One text frame, shared (reference-counted) by every connection it is
 * queued on: the same feed row goes to all of a user's sockets. */
struct frame {
	atomic_int refs;
	int close_code;           /* > 0: not data: close the socket with this code */
	const char *type;         /* static: "event", "pong", ... (metrics label) */
	size_t len;               /* bytes of text at data + FRAME_HEADROOM */
	unsigned char data[];     /* FRAME_HEADROOM + len + 1 (NUL) */
};

/* frame_new - a frame holding a copy of @text (reference count 1). */
struct frame *frame_new(const char *text, size_t len);
/* frame_new_close - a close marker carrying @code and @reason. */
struct frame *frame_new_close(int code, const char *reason);
struct frame *frame_ref(struct frame *f);
void frame_unref(struct frame *f);
static inline const char *frame_text(const struct frame *f)
{
	return (const char *)f->data + FRAME_HEADROOM;
}

/* A bounded FIFO of frames (a ring). */
struct frame_queue {
	struct frame **ring;
	size_t cap, head, count;
};

void frame_queue_init(struct frame_queue *q, size_t cap);
/* frame_queue_push - append a reference to @f; false (nothing taken) when full. */
bool frame_queue_push(struct frame_queue *q, struct frame *f);
/* frame_queue_pop - the oldest frame (the caller owns the reference), or NULL. */
struct frame *frame_queue_pop(struct frame_queue *q);
static inline size_t frame_queue_space(const struct frame_queue *q)
{
	return q->cap - q->count;
}
/* frame_queue_release - drop every queued frame and the ring. */
void frame_queue_release(struct frame_queue *q);

/* What to do with an event of @cursor on a connection that has sent every
 * event up to @last_sent (cursors are gap-free per user). */
enum cursor_step {
	CURSOR_DELIVER,           /* cursor == last_sent + 1: the next one */
	CURSOR_DUPLICATE,         /* cursor <= last_sent: already sent, drop */
	CURSOR_GAP,               /* cursor > last_sent + 1: catch up from the feed first */
};
enum cursor_step cursor_decide(int64_t last_sent, int64_t cursor);

/* Where a subscribe with @since starts, given the user's feed: @head (the
 * newest cursor, 0 if none) and @oldest (the oldest kept, 0 if none kept). */
enum replay_start {
	REPLAY_FROM_SINCE,        /* every cursor in (since, head] is kept: replay them */
	REPLAY_RESYNC,            /* some are pruned (or since is ahead of head): resync */
};
enum replay_start replay_decide(int64_t since, int64_t head, int64_t oldest);

#endif
