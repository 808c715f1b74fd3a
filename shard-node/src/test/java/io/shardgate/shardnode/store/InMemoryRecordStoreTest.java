package io.shardgate.shardnode.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

class InMemoryRecordStoreTest extends ReplicationContract {

  @Override
  protected RecordStore newStore(Vertx vertx) {
    return new InMemoryRecordStore();
  }

  @Override
  protected RecordStore newEmptyStore(Vertx vertx) {
    return new InMemoryRecordStore();
  }

  @Override
  protected Future<List<String>> keys(RecordStore store, String collection) {
    return ((InMemoryRecordStore) store).keys(collection);
  }

  @Override
  protected Future<Long> count(RecordStore store) {
    return ((InMemoryRecordStore) store).count();
  }
}
