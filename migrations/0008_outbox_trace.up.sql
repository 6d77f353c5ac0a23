-- The W3C trace context of the request that wrote an outbox row
-- (https://www.w3.org/TR/trace-context/): the relay publishes the row inside
-- that trace, so the publish and the consumers' handling join the request's
-- trace. NULL when the change was made outside any trace (tracing off, a
-- background job without one).
ALTER TABLE outbox ADD COLUMN traceparent text
    CHECK (traceparent IS NULL OR traceparent ~ '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
ALTER TABLE outbox ADD COLUMN tracestate text CHECK (tracestate IS NULL OR length(tracestate) <= 512);
