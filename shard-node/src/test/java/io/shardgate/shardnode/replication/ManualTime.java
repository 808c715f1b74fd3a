package io.shardgate.shardnode.replication;

import io.shardgate.cluster.time.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock and the timers that run on it: {@link #advance} moves it and fires what fell due, in order. */
final class ManualTime implements Clock, Timers {
  private long now = 1_000;
  private final List<Scheduled> scheduled = new ArrayList<>();

  private static final class Scheduled {
    long due;
    final long period;
    final Runnable action;

    Scheduled(long due, long period, Runnable action) {
      this.due = due;
      this.period = period;
      this.action = action;
    }
  }

  @Override
  public long millis() {
    return now;
  }

  @Override
  public Future<Void> after(long delayMs) {
    Promise<Void> fired = Promise.promise();
    scheduled.add(new Scheduled(now + delayMs, 0, fired::complete));
    return fired.future();
  }

  @Override
  public Runnable every(long periodMs, Runnable tick) {
    Scheduled s = new Scheduled(now + periodMs, periodMs, tick);
    scheduled.add(s);
    return () -> scheduled.remove(s);
  }

  void advance(long ms) {
    long until = now + ms;
    while (true) {
      Scheduled next = scheduled.stream().filter(s -> s.due <= until).min(Comparator.comparingLong(s -> s.due))
          .orElse(null);
      if (next == null) {
        break;
      }
      now = next.due;
      if (next.period > 0) {
        next.due += next.period;
      } else {
        scheduled.remove(next);
      }
      next.action.run();
    }
    now = until;
  }
}
