package io.shardgate.cluster.security;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One mutual-TLS handshake between two in-memory engines, run on the main thread before any verticle
 * starts. The first handshake of a cold JVM loads and initialises the TLS provider, EC and AES-GCM code
 * for hundreds of milliseconds; done lazily on event loops (seven listeners and their clients at once in
 * dev mode) that trips the blocked-thread check. Netty's SSL context class is initialised here too.
 */
final class TlsWarmUp {
  private TlsWarmUp() {}

  static void run(MemberCredentials credentials) {
    try {
      SSLContext context = credentials.sslContext();
      SSLEngine client = context.createSSLEngine("warm-up", 1);
      client.setUseClientMode(true);
      SSLEngine server = context.createSSLEngine();
      server.setUseClientMode(false);
      server.setNeedClientAuth(true);
      handshake(client, server);
      io.netty.handler.ssl.SslContextBuilder.forClient().build();
    } catch (SSLException e) {
      throw new IllegalStateException("TLS does not work with the member credentials: " + e.getMessage(), e);
    }
  }

  private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
    int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
    int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(size);
    ByteBuffer toClient = ByteBuffer.allocate(size);
    ByteBuffer sink = ByteBuffer.allocate(app);
    ByteBuffer empty = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int step = 0; step < 200 && !(done(client) && done(server)); step++) {
      advance(client, empty, toServer, toClient, sink);
      advance(server, empty, toClient, toServer, sink);
    }
    if (!(done(client) && done(server))) {
      throw new SSLException("the warm-up handshake did not finish");
    }
  }

  /** One step of an engine: wrap what it wants to send into out, unwrap what the peer sent from in. */
  private static void advance(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
      throws SSLException {
    HandshakeStatus status = engine.getHandshakeStatus();
    if (status == HandshakeStatus.NEED_TASK) {
      for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
        task.run();
      }
    } else if (status == HandshakeStatus.NEED_WRAP) {
      engine.wrap(empty, out);
    } else if (status == HandshakeStatus.NEED_UNWRAP || status == HandshakeStatus.NEED_UNWRAP_AGAIN) {
      in.flip();
      engine.unwrap(in, sink);
      in.compact();
      sink.clear();
    }
  }

  private static boolean done(SSLEngine engine) {
    HandshakeStatus s = engine.getHandshakeStatus();
    return s == HandshakeStatus.FINISHED || s == HandshakeStatus.NOT_HANDSHAKING;
  }
}
