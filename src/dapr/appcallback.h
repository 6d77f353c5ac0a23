/*
 * appcallback.h - the services daprd calls on the app: AppCallback,
 * AppCallbackHealthCheck and AppCallbackAlpha. One dispatcher maps gRPC
 * method paths to handlers; anything else answers UNIMPLEMENTED, which is
 * what daprd's fall-backs (OnJobEvent -> OnJobEventAlpha1, OnBulkTopicEvent
 * -> Alpha1) expect.
 */
#ifndef TODOD_DAPR_APPCALLBACK_H
#define TODOD_DAPR_APPCALLBACK_H

#include "rpc/rpc.h"

/* appcallback_handle - the rpc_handler_fn of the server; @ctx is a struct app. */
void appcallback_handle(void *ctx, struct rpc_call *call);

/* appcallback_inline_methods - the methods the server must answer on its
 * poller, never queued behind request work (HealthCheck: daprd marks the
 * app unhealthy when its probe times out). NULL-terminated. */
extern const char *const appcallback_inline_methods[];

/* appcallback_metrics_define - declare the request metrics it records. */
void appcallback_metrics_define(void);

#endif
