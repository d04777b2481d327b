package io.nbo.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/** Where a resource's asynchronous work continues: back on the request's Vert.x event loop, off Lettuce's I/O threads. */
final class CallerContext {

    private CallerContext() {
    }

    /** Runs continuations on the current request's event loop (or inline outside one). */
    static Executor current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}
