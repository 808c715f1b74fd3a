package io.shardgate.cluster.membership.impl;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A change callback bound to the Vert.x context it was registered from, so it runs there no matter
 * which thread noticed the change. Registered outside any context, it runs on the notifying thread.
 */
record ChangeListener(Context context, Runnable onChange) {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  static ChangeListener capture(Runnable onChange) {
    return new ChangeListener(Vertx.currentContext(), Objects.requireNonNull(onChange, "onChange"));
  }

  void fire() {
    if (context == null) {
      runGuarded();
    } else {
      context.runOnContext(v -> runGuarded());
    }
  }

  private void runGuarded() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.error("Membership change listener failed", e);
    }
  }
}
