package io.github.ibkrgateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ibkrgateway.v1.AccountServiceGrpc;
import io.github.ibkrgateway.v1.AuditRecord;
import io.github.ibkrgateway.v1.GetAccountSummaryRequest;
import io.github.ibkrgateway.v1.GetAccountSummaryResponse;
import io.github.ibkrgateway.v1.GetKillSwitchResponse;
import io.github.ibkrgateway.v1.Heartbeat;
import io.github.ibkrgateway.v1.ListAuditRecordsResponse;
import io.github.ibkrgateway.v1.ListPositionsRequest;
import io.github.ibkrgateway.v1.ListPositionsResponse;
import io.github.ibkrgateway.v1.PreviewOrderResponse;
import io.github.ibkrgateway.v1.SetKillSwitchResponse;
import io.github.ibkrgateway.v1.StreamPositionsRequest;
import io.github.ibkrgateway.v1.StreamPositionsResponse;
import io.grpc.Metadata;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Positions, account summary, preview, kill switch and audit calls against an in-process server. */
class AccountsTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** AccountService scripted per call; every request recorded. */
  static final class FakeAccounts extends AccountServiceGrpc.AccountServiceImplBase {
    final List<ListPositionsRequest> lists = new CopyOnWriteArrayList<>();
    final List<GetAccountSummaryRequest> summaries = new CopyOnWriteArrayList<>();
    final List<StreamPositionsRequest> streams = new CopyOnWriteArrayList<>();
    FakeGateway.Streaming<StreamPositionsRequest, StreamPositionsResponse> positions =
        (n, q, out) -> {};

    @Override
    public void listPositions(
        ListPositionsRequest q, StreamObserver<ListPositionsResponse> out) {
      lists.add(q);
      if (lists.size() == 1) {
        out.onError(FakeGateway.unavailable());
        return;
      }
      out.onNext(
          ListPositionsResponse.newBuilder()
              .addPositions(
                  io.github.ibkrgateway.v1.Position.newBuilder()
                      .setAccount(q.getAccount())
                      .setQuantity("60")
                      .setAverageCost("100.01")
                      .setRealizedPnl("398.6"))
              .setLastSequence(9)
              .build());
      out.onCompleted();
    }

    @Override
    public void getAccountSummary(
        GetAccountSummaryRequest q, StreamObserver<GetAccountSummaryResponse> out) {
      summaries.add(q);
      out.onNext(
          GetAccountSummaryResponse.newBuilder()
              .setSummary(
                  io.github.ibkrgateway.v1.AccountSummary.newBuilder()
                      .setAccount(q.getAccount())
                      .setCash("994398.10")
                      .setCurrency("USD"))
              .build());
      out.onCompleted();
    }

    @Override
    public void streamPositions(
        StreamPositionsRequest q, StreamObserver<StreamPositionsResponse> out) {
      streams.add(q);
      try {
        positions.serve(streams.size() - 1, q, out);
      } catch (Exception e) {
        out.onError(e);
      }
    }
  }

  static StreamPositionsResponse change(long sequence, String quantity) {
    return StreamPositionsResponse.newBuilder()
        .setEvent(
            io.github.ibkrgateway.v1.PositionEvent.newBuilder()
                .setSequence(sequence)
                .setPosition(io.github.ibkrgateway.v1.Position.newBuilder().setQuantity(quantity)))
        .build();
  }

  private static List<String> take(PositionStream stream, int n) {
    List<String> seen = new ArrayList<>();
    Iterator<PositionEvent> events = stream.iterator();
    while (seen.size() < n && events.hasNext()) {
      PositionEvent event = events.next();
      seen.add(event.sequence() + ":" + event.position().quantity().toPlainString());
    }
    return seen;
  }

  @Test
  void listPositionsIsRetriedAndKeepsDecimalsExact() throws Exception {
    FakeAccounts accounts = new FakeAccounts();
    try (FakeGateway fake = new FakeGateway()) {
      fake.accounts = accounts;
      try (GatewayClient client = fake.start(b -> b.account("DU1"))) {
        PositionList listed = client.listPositions();
        assertEquals(2, accounts.lists.size());
        assertEquals("DU1", accounts.lists.get(1).getAccount());
        assertEquals(9, listed.lastSequence());
        Position position = listed.positions().get(0);
        assertEquals(new BigDecimal("100.01"), position.averageCost().orElseThrow());
        assertEquals("398.6", position.realizedPnl().toPlainString());
        assertTrue(position.marketPrice().isEmpty());

        AccountSummary summary = client.getAccountSummary("DU2");
        assertEquals("DU2", summary.account());
        assertEquals("994398.10", summary.cash().toPlainString());
      }
    }
  }

  @Test
  void positionsResumeAfterTheLastSequenceSeen() throws Exception {
    FakeAccounts accounts = new FakeAccounts();
    accounts.positions = (n, q, out) -> {
      long after = q.getAfterSequence();
      if (n == 0) {
        out.onNext(change(after + 1, "50"));
        out.onNext(change(after + 2, "60"));
        out.onError(FakeGateway.unavailable());
      } else {
        // A replay that overlaps what was delivered must not deliver it again.
        out.onNext(change(after, "60"));
        out.onNext(
            StreamPositionsResponse.newBuilder()
                .setHeartbeat(Heartbeat.newBuilder().setLastSequence(after))
                .build());
        out.onNext(change(after + 1, "-5"));
      }
    };
    try (FakeGateway fake = new FakeGateway()) {
      fake.accounts = accounts;
      try (GatewayClient client = fake.start();
          PositionStream stream =
              client.positions(
                  StreamOptions.builder().afterSequence(4).account("DU1").symbol("AAPL").build())) {
        assertEquals(
            List.of("5:50", "6:60", "7:-5"), assertTimeoutPreemptively(LIMIT, () -> take(stream, 3)));
        assertEquals(7, stream.lastSequence());
      }
      assertEquals(
          List.of(4L, 6L),
          accounts.streams.stream().map(StreamPositionsRequest::getAfterSequence).toList());
      assertTrue(
          accounts.streams.stream()
              .allMatch(q -> q.getAccount().equals("DU1") && q.getSymbol().equals("AAPL")));
    }
  }

  @Test
  void positionsGiveUpAfterTheBoundOfFailedReconnects() throws Exception {
    FakeAccounts accounts = new FakeAccounts();
    accounts.positions = (n, q, out) -> {
      throw FakeGateway.unavailable();
    };
    List<StreamRetry> retries = new CopyOnWriteArrayList<>();
    try (FakeGateway fake = new FakeGateway()) {
      fake.accounts = accounts;
      try (GatewayClient client = fake.start(b -> b.maxReconnects(2).onRetry(retries::add));
          PositionStream stream = client.positions(StreamOptions.after(0))) {
        assertTimeoutPreemptively(
            LIMIT,
            () -> assertThrows(UnavailableException.class, () -> stream.iterator().hasNext()));
      }
      assertEquals(3, accounts.streams.size());
      assertEquals(List.of(1, 2), retries.stream().map(StreamRetry::attempt).toList());
    }
  }

  @Test
  void aStreamRefusesTheFilterOfTheOtherKind() throws Exception {
    try (FakeGateway fake = new FakeGateway(); GatewayClient client = fake.start()) {
      assertThrows(
          IllegalArgumentException.class,
          () -> client.positions(StreamOptions.builder().orderId("o-1").build()));
      assertThrows(
          IllegalArgumentException.class,
          () -> client.orderEvents(StreamOptions.builder().symbol("AAPL").build()));
    }
  }

  @Test
  void previewIsRetriedAndFillsInTheDefaultAccount() throws Exception {
    try (FakeGateway fake = new FakeGateway();
        GatewayClient client = fake.start(b -> b.account("DU1"))) {
      fake.preview = (n, q) -> {
        if (n == 0) {
          throw FakeGateway.unavailable();
        }
        return PreviewOrderResponse.newBuilder()
            .setOrder(q.getOrder())
            .setEstimatedPrice("110")
            .setPositionBefore("60")
            .setPositionAfter("20")
            .build();
      };
      OrderPreview preview = client.previewOrder(NewOrder.sell("AAPL", new BigDecimal("40")).build());
      assertEquals(2, fake.previews.size());
      assertEquals("DU1", fake.previews.get(1).getOrder().getAccount());
      assertEquals(new BigDecimal("110"), preview.estimatedPrice().orElseThrow());
      assertTrue(preview.estimatedCommission().isEmpty());
      assertEquals(new BigDecimal("20"), preview.positionAfter());
      assertTrue(preview.accountAfter().isEmpty());
    }
  }

  @Test
  void setKillSwitchIsSentOnceAndGetIsRetried() throws Exception {
    try (FakeGateway fake = new FakeGateway(); GatewayClient client = fake.start()) {
      fake.setKillSwitch = (n, q) -> {
        if (n == 0) {
          throw FakeGateway.unavailable();
        }
        return SetKillSwitchResponse.newBuilder()
            .setKillSwitch(
                io.github.ibkrgateway.v1.KillSwitch.newBuilder()
                    .setEngaged(q.getEngaged())
                    .setReason(q.getReason()))
            .addCancelledOrders(FakeGateway.order("o-7"))
            .build();
      };
      assertThrows(
          UnavailableException.class, () -> client.setKillSwitch(true, "drill", List.of()));
      assertEquals(1, fake.killSwitchSets.size());
      KillSwitchChange change = client.setKillSwitch(true, "drill", List.of("DU1"));
      assertTrue(change.killSwitch().engaged());
      assertEquals("o-7", change.cancelledOrders().get(0).orderId());
      assertEquals(List.of("DU1"), fake.killSwitchSets.get(1).getAccountsList());

      fake.getKillSwitch = (n, q) -> {
        if (n == 0) {
          throw FakeGateway.unavailable();
        }
        return GetKillSwitchResponse.newBuilder()
            .setKillSwitch(io.github.ibkrgateway.v1.KillSwitch.newBuilder().setReason("drill"))
            .build();
      };
      assertEquals("drill", client.getKillSwitch().reason());
      assertEquals(2, fake.killSwitchGets.size());
    }
  }

  @Test
  void auditRecordsFollowThePages() throws Exception {
    try (FakeGateway fake = new FakeGateway(); GatewayClient client = fake.start()) {
      fake.listAuditRecords = (n, q) ->
          q.getPageToken().isEmpty()
              ? ListAuditRecordsResponse.newBuilder()
                  .addRecords(AuditRecord.newBuilder().setId(1))
                  .addRecords(AuditRecord.newBuilder().setId(2))
                  .setNextPageToken("p2")
                  .build()
              : ListAuditRecordsResponse.newBuilder()
                  .addRecords(AuditRecord.newBuilder().setId(3).addAccounts("DU1"))
                  .build();
      List<io.github.ibkrgateway.client.AuditRecord> records =
          client.listAuditRecords(2).toList();
      assertEquals(List.of(1L, 2L, 3L), records.stream().map(r -> r.id()).toList());
      assertEquals(List.of("DU1"), records.get(2).accounts());
      assertEquals(
          List.of("", "p2"), fake.auditPages.stream().map(q -> q.getPageToken()).toList());
      assertEquals(2, fake.auditPages.get(0).getPageSize());
    }
  }

  @Test
  void theTokenGoesWithAccountCallsAndStreamsToo() throws Exception {
    FakeAccounts accounts = new FakeAccounts();
    accounts.positions = (n, q, out) -> out.onNext(change(1, "1"));
    try (FakeGateway fake = new FakeGateway()) {
      fake.accounts = accounts;
      try (GatewayClient client = fake.start(b -> b.token("s3cret"))) {
        client.getAccountSummary();
        try (PositionStream stream = client.positions(StreamOptions.after(0))) {
          assertTimeoutPreemptively(LIMIT, () -> take(stream, 1));
        }
        client.getKillSwitch();
      }
      assertEquals(
          List.of("Bearer s3cret", "Bearer s3cret", "Bearer s3cret"),
          fake.headers.stream().map(h -> h.get(AUTHORIZATION)).toList());
    }
  }
}
