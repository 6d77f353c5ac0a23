/*
 * trace.h - the W3C trace context (traceparent, tracestate) of the work the
 * calling thread is doing.
 *
 * daprd records the spans; todod only carries the context along so its own
 * work joins daprd's trace: the dispatcher sets it from the call it serves
 * (trace_set at the start, trace_clear at the end), every log line of that
 * thread then carries `trace_id=` (base/log), the Dapr client sends it as
 * `traceparent`/`tracestate` metadata on outbound calls, and the outbox
 * stores it with each event so the relay can publish the event inside the
 * same trace. The context is per thread: a worker serves one call at a
 * time, and a background thread (the relay) sets the context of the row it
 * works on.
 *
 * Only a well-formed traceparent is kept (https://www.w3.org/TR/trace-context/
 * section 3.2: version "00" is exactly 55 characters; a higher version may
 * be longer and is kept as its first 55); anything else clears the context,
 * so no client-supplied text ever reaches a log line or the database
 * unchecked. tracestate is kept only beside a valid traceparent, only when
 * it is printable ASCII of at most TRACE_STATE_MAX bytes (else dropped, as
 * the specification allows).
 */
#ifndef TODOD_BASE_TRACE_H
#define TODOD_BASE_TRACE_H

#include <stdbool.h>

#define TRACE_PARENT_LEN 55     /* "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>" */
#define TRACE_ID_LEN 32
#define TRACE_STATE_MAX 512     /* the specification's 32 list members, as a byte bound */

/* trace_parent_valid - @s is a traceparent we keep (see above). */
bool trace_parent_valid(const char *s);

/* trace_set - make @traceparent (and @tracestate, may be NULL) the calling
 * thread's context; an invalid @traceparent clears it. */
void trace_set(const char *traceparent, const char *tracestate);

/* trace_clear - the calling thread works for no trace from now on. */
void trace_clear(void);

/* trace_parent / trace_state - the calling thread's context, or NULL. The
 * strings live in thread-local storage until the next trace_set/clear. */
const char *trace_parent(void);
const char *trace_state(void);

/* trace_id - the 32-hex trace id of the calling thread's context, or NULL
 * (thread-local, as above). */
const char *trace_id(void);

/* trace_sampled - the context's "sampled" flag is set (daprd records it). */
bool trace_sampled(void);

#endif
