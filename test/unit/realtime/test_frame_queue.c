/* Unit tests for src/realtime/frame_queue.c: the bounded queue of shared
 * frames and the cursor rules that merge replay and live events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "realtime/frame_queue.h"

static void test_queue_is_bounded_fifo(void **state)
{
	(void)state;
	struct frame_queue q;
	frame_queue_init(&q, 3);
	struct frame *a = frame_new("a", 1), *b = frame_new("bb", 2), *c = frame_new("c", 1);
	for (int round = 0; round < 5; round++) {   /* wraps the ring */
		assert_true(frame_queue_push(&q, a));
		assert_true(frame_queue_push(&q, b));
		assert_true(frame_queue_push(&q, c));
		assert_false(frame_queue_push(&q, a));
		assert_int_equal(frame_queue_space(&q), 0);
		struct frame *f = frame_queue_pop(&q);
		assert_ptr_equal(f, a);
		frame_unref(f);
		assert_true(frame_queue_push(&q, a));
		f = frame_queue_pop(&q);
		assert_string_equal(frame_text(f), "bb");
		frame_unref(f);
		frame_unref(frame_queue_pop(&q));
		frame_unref(frame_queue_pop(&q));
		assert_null(frame_queue_pop(&q));
	}
	assert_true(frame_queue_push(&q, a));
	frame_queue_release(&q);   /* drops the queued reference */
	assert_int_equal(atomic_load(&a->refs), 1);
	frame_unref(a);
	frame_unref(b);
	frame_unref(c);
}

static void test_close_frame(void **state)
{
	(void)state;
	char reason[300];
	memset(reason, 'x', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	struct frame *f = frame_new_close(4001, reason);
	assert_int_equal(f->close_code, 4001);
	assert_int_equal(f->len, 123);   /* the most a close reason may hold */
	frame_unref(f);
}

static void test_cursor_merge(void **state)
{
	(void)state;
	assert_int_equal(cursor_decide(5, 6), CURSOR_DELIVER);
	assert_int_equal(cursor_decide(5, 5), CURSOR_DUPLICATE);
	assert_int_equal(cursor_decide(5, 2), CURSOR_DUPLICATE);
	assert_int_equal(cursor_decide(5, 8), CURSOR_GAP);
	/* Replay 1..4 merged with live 3..6 arriving at once: each once, in order. */
	int64_t incoming[] = { 1, 2, 3, 3, 4, 4, 5, 6, 5 };
	int64_t last = 0, sent[10];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(incoming) / sizeof(incoming[0]); i++)
		if (cursor_decide(last, incoming[i]) == CURSOR_DELIVER)
			sent[n++] = last = incoming[i];
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sent[i], (int64_t)i + 1);
}

static void test_replay_start(void **state)
{
	(void)state;
	assert_int_equal(replay_decide(0, 0, 0), REPLAY_FROM_SINCE);      /* new user */
	assert_int_equal(replay_decide(7, 7, 0), REPLAY_FROM_SINCE);      /* up to date, all pruned */
	assert_int_equal(replay_decide(0, 5, 1), REPLAY_FROM_SINCE);
	assert_int_equal(replay_decide(4, 10, 5), REPLAY_FROM_SINCE);     /* since == oldest - 1 */
	assert_int_equal(replay_decide(3, 10, 5), REPLAY_RESYNC);         /* 4 was pruned */
	assert_int_equal(replay_decide(3, 10, 0), REPLAY_RESYNC);         /* everything pruned */
	assert_int_equal(replay_decide(11, 10, 5), REPLAY_RESYNC);        /* a cursor never given out */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_is_bounded_fifo),
		cmocka_unit_test(test_close_frame),
		cmocka_unit_test(test_cursor_merge),
		cmocka_unit_test(test_replay_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
