package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ibkrgateway.v1.GetOrderResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TimeoutsTest {
  private static final Duration LIMIT = Duration.ofSeconds(15);

  @Test
  void eachUnaryCallCarriesTheDefaultDeadline() throws Exception {
    AtomicReference<Deadline> seen = new AtomicReference<>();
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.get = (n, q) -> {
        seen.set(Context.current().getDeadline());
        return GetOrderResponse.newBuilder().setOrder(FakeGateway.order("o-1")).build();
      };

      client.getOrder("o-1");
      long left = seen.get().timeRemaining(TimeUnit.MILLISECONDS);
      assertTrue(left > 29_000 && left <= 30_000, left + " ms");

      client.withCallTimeout(null).getOrder("o-1");
      assertNull(seen.get());
    }
  }

  @Test
  void anExpiredCallTimeoutIsDeadlineExceededAndNotRetried() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.callTimeout(Duration.ofMillis(100)))) {
      fake.submit = (n, q) -> null;

      long start = System.nanoTime();
      assertThrows(
          DeadlineExceededException.class,
          () -> client.submitOrder(NewOrder.buy("AAPL", BigDecimal.ONE).build()));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
      assertEquals(1, fake.submits.size());
    }
  }

  @Test
  void aCallTimeoutOfItsOwnReplacesTheClients() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start()) {
      fake.get = (n, q) -> null;
      GatewayClient impatient = client.withCallTimeout(Duration.ofMillis(50));
      assertThrows(DeadlineExceededException.class, () -> impatient.getOrder("o-1"));
      impatient.close();
      fake.get = (n, q) -> GetOrderResponse.newBuilder().setOrder(FakeGateway.order("o-1")).build();
      assertEquals("o-1", client.getOrder("o-1").orderId());
    }
  }

  @Test
  void connectFailsWithinTheConnectTimeoutWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String target = "127.0.0.1:" + port;
    long start = System.nanoTime();
    UnavailableException e =
        assertTimeoutPreemptively(
            LIMIT,
            () ->
                assertThrows(
                    UnavailableException.class,
                    () ->
                        GatewayClient.builder(target)
                            .connectTimeout(Duration.ofMillis(700))
                            .connect()));
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsed >= 600 && elapsed < 5_000, elapsed + " ms");
    assertTrue(e.getMessage().contains(target), e.getMessage());
  }

  @Test
  void connectWaitsForTheGatewayAndCallsCarryTheToken() throws Exception {
    List<String> authorization = new CopyOnWriteArrayList<>();
    ServerInterceptor recordToken =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            authorization.add(
                headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
            return next.startCall(call, headers);
          }
        };
    FakeGateway fake = new FakeGateway();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(fake, recordToken))
            .build()
            .start();
    try (GatewayClient client =
        GatewayClient.builder("127.0.0.1:" + server.getPort()).token("s3cret").connect()) {
      assertEquals("o-1", client.getOrder("o-1").orderId());
      assertEquals(List.of("Bearer s3cret"), authorization);
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStreamGivesUpOnAGatewayThatGoesAway() throws Exception {
    FakeGateway fake = new FakeGateway();
    fake.events = (n, q, out) -> out.onNext(FakeGateway.event(n + 1));
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(fake)
            .build()
            .start();
    List<StreamRetry> retries = new CopyOnWriteArrayList<>();
    try (GatewayClient client =
            GatewayClient.builder("127.0.0.1:" + server.getPort())
                .streamBackoff(FakeGateway.FAST)
                .maxReconnects(2)
                .onRetry(retries::add)
                .connect();
        EventStream stream = client.orderEvents(StreamOptions.after(0))) {
      var events = stream.iterator();
      assertEquals(1, events.next().sequence());
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

      UnavailableException e =
          assertTimeoutPreemptively(
              LIMIT, () -> assertThrows(UnavailableException.class, events::hasNext));
      assertEquals(List.of(1, 2), retries.stream().map(StreamRetry::attempt).toList());
      assertEquals(1, stream.lastSequence());
      assertEquals(io.grpc.Status.Code.UNAVAILABLE, e.code());
    } finally {
      server.shutdownNow();
    }
  }
}
