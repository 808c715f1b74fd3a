package io.shardgate.dist;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar shardgate.jar dev} on free ports, run from an empty directory (dev mode must work from
 * the jar alone), with the low blocked-thread threshold of the other integration tests.
 */
final class DevProcess {
  final Path log;
  final Http http;
  private final Process process;

  private DevProcess(Path log, Http http, Process process) {
    this.log = log;
    this.http = http;
    this.process = process;
  }

  /** Starts dev mode with these collection files and waits until it answers. */
  static DevProcess start(Path dir, JsonArray collections) throws IOException {
    int gateway = ProcessCluster.freePort();
    JsonArray shards = new JsonArray();
    JsonArray caches = new JsonArray();
    for (int i = 1; i <= 3; i++) {
      shards.add(new JsonObject().put("id", "shard-" + i).put("port", ProcessCluster.freePort()));
      caches.add(new JsonObject().put("id", "cache-" + i).put("port", ProcessCluster.freePort()));
    }
    Path log = dir.resolve("dev.log");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Dshardgate.blockedThreadMs=" + System.getProperty("shardgate.blockedThreadMs", "200"),
        "-jar", ProcessCluster.JAR.toAbsolutePath().toString(), "dev",
        "--set", "gateway.port=" + gateway, "--set", "shardNodes=" + shards.encode(), "--set", "cacheNodes=" + caches.encode(),
        "--set", "collections=" + collections.encode());
    Process dev = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ProcessCluster.awaitCondition(Duration.ofSeconds(60), "dev mode answering", () -> {
      if (!dev.isAlive()) {
        throw new IllegalStateException("dev exited:\n" + ProcessCluster.tail(log));
      }
      try {
        return Files.readString(log).contains("Press Ctrl-C to stop.");
      } catch (IOException e) {
        return false;
      }
    });
    return new DevProcess(log, new Http("http://127.0.0.1:" + gateway), dev);
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM; true when the process exited within 20 s. */
  boolean stop() throws InterruptedException {
    process.destroy();
    return process.waitFor(20, TimeUnit.SECONDS);
  }
}
