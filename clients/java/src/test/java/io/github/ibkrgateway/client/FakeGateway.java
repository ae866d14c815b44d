package io.github.ibkrgateway.client;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.github.ibkrgateway.v1.AccountServiceGrpc;
import io.github.ibkrgateway.v1.CancelOrderRequest;
import io.github.ibkrgateway.v1.CancelOrderResponse;
import io.github.ibkrgateway.v1.GetKillSwitchRequest;
import io.github.ibkrgateway.v1.GetKillSwitchResponse;
import io.github.ibkrgateway.v1.GetOrderRequest;
import io.github.ibkrgateway.v1.GetOrderResponse;
import io.github.ibkrgateway.v1.Heartbeat;
import io.github.ibkrgateway.v1.ListAuditRecordsRequest;
import io.github.ibkrgateway.v1.ListAuditRecordsResponse;
import io.github.ibkrgateway.v1.ListOrdersRequest;
import io.github.ibkrgateway.v1.ListOrdersResponse;
import io.github.ibkrgateway.v1.ModifyOrderRequest;
import io.github.ibkrgateway.v1.ModifyOrderResponse;
import io.github.ibkrgateway.v1.OrderGatewayServiceGrpc;
import io.github.ibkrgateway.v1.PreviewOrderRequest;
import io.github.ibkrgateway.v1.PreviewOrderResponse;
import io.github.ibkrgateway.v1.SetKillSwitchRequest;
import io.github.ibkrgateway.v1.SetKillSwitchResponse;
import io.github.ibkrgateway.v1.StreamFillsRequest;
import io.github.ibkrgateway.v1.StreamFillsResponse;
import io.github.ibkrgateway.v1.StreamOrderEventsRequest;
import io.github.ibkrgateway.v1.StreamOrderEventsResponse;
import io.github.ibkrgateway.v1.SubmitOrderRequest;
import io.github.ibkrgateway.v1.SubmitOrderResponse;
import io.github.ibkrgateway.v1.SubmitOrderResult;
import io.github.ibkrgateway.v1.SubmitOrdersRequest;
import io.github.ibkrgateway.v1.SubmitOrdersResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory OrderGatewayService whose answers each test scripts, so that retries, paging
 * and reconnects can be driven exactly. Every request is recorded; handlers get the number
 * of the call (0 for the first).
 */
class FakeGateway extends OrderGatewayServiceGrpc.OrderGatewayServiceImplBase
    implements AutoCloseable {

  interface Unary<Q, R> {
    R answer(int call, Q request) throws Exception;
  }

  interface Streaming<Q, R> {
    /** Sends on {@code out}; returning without closing it leaves the call open. */
    void serve(int call, Q request, StreamObserver<R> out) throws Exception;
  }

  /** Keeps the tests quick; the shape of the policy is what is under test. */
  static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 2);

  final List<SubmitOrderRequest> submits = new CopyOnWriteArrayList<>();
  final List<SubmitOrdersRequest> batches = new CopyOnWriteArrayList<>();
  final List<GetOrderRequest> gets = new CopyOnWriteArrayList<>();
  final List<ModifyOrderRequest> modifies = new CopyOnWriteArrayList<>();
  final List<CancelOrderRequest> cancels = new CopyOnWriteArrayList<>();
  final List<ListOrdersRequest> lists = new CopyOnWriteArrayList<>();
  final List<StreamOrderEventsRequest> eventCalls = new CopyOnWriteArrayList<>();
  final List<StreamFillsRequest> fillCalls = new CopyOnWriteArrayList<>();
  final List<PreviewOrderRequest> previews = new CopyOnWriteArrayList<>();
  final List<SetKillSwitchRequest> killSwitchSets = new CopyOnWriteArrayList<>();
  final List<GetKillSwitchRequest> killSwitchGets = new CopyOnWriteArrayList<>();
  final List<ListAuditRecordsRequest> auditPages = new CopyOnWriteArrayList<>();

  Unary<SubmitOrderRequest, SubmitOrderResponse> submit =
      (n, q) -> SubmitOrderResponse.newBuilder().setOrder(order("o-" + n, q)).build();
  Unary<SubmitOrdersRequest, SubmitOrdersResponse> submitMany =
      (n, q) -> {
        SubmitOrdersResponse.Builder r = SubmitOrdersResponse.newBuilder();
        for (int i = 0; i < q.getOrdersCount(); i++) {
          r.addResults(
              SubmitOrderResult.newBuilder()
                  .setOrder(order("o-" + n + "-" + i).toBuilder().setSpec(q.getOrders(i))));
        }
        return r.build();
      };
  Unary<GetOrderRequest, GetOrderResponse> get =
      (n, q) -> GetOrderResponse.newBuilder().setOrder(order("o-1")).build();
  Unary<ModifyOrderRequest, ModifyOrderResponse> modify =
      (n, q) -> ModifyOrderResponse.newBuilder().setOrder(order("o-1")).build();
  Unary<CancelOrderRequest, CancelOrderResponse> cancel =
      (n, q) -> CancelOrderResponse.newBuilder().setOrder(order("o-1")).build();
  Unary<ListOrdersRequest, ListOrdersResponse> list =
      (n, q) -> ListOrdersResponse.getDefaultInstance();
  Streaming<StreamOrderEventsRequest, StreamOrderEventsResponse> events = (n, q, out) -> {};
  Streaming<StreamFillsRequest, StreamFillsResponse> fills = (n, q, out) -> {};
  Unary<PreviewOrderRequest, PreviewOrderResponse> preview =
      (n, q) -> PreviewOrderResponse.newBuilder().setOrder(q.getOrder()).build();
  Unary<SetKillSwitchRequest, SetKillSwitchResponse> setKillSwitch =
      (n, q) -> SetKillSwitchResponse.getDefaultInstance();
  Unary<GetKillSwitchRequest, GetKillSwitchResponse> getKillSwitch =
      (n, q) -> GetKillSwitchResponse.getDefaultInstance();
  Unary<ListAuditRecordsRequest, ListAuditRecordsResponse> listAuditRecords =
      (n, q) -> ListAuditRecordsResponse.getDefaultInstance();

  /** AccountService on the same server; a test replaces it before start(). */
  AccountServiceGrpc.AccountServiceImplBase accounts = new AccountServiceGrpc.AccountServiceImplBase() {};

  /** Every call's headers, in order of arrival. */
  final List<io.grpc.Metadata> headers = new CopyOnWriteArrayList<>();

  private final String name = InProcessServerBuilder.generateName();
  private Server server;
  private ManagedChannel channel;

  /** Serves in process and returns a client of it with fast retries; more settings in between. */
  GatewayClient start(java.util.function.UnaryOperator<GatewayClient.Builder> configure)
      throws IOException {
    io.grpc.ServerInterceptor recordHeaders =
        new io.grpc.ServerInterceptor() {
          @Override
          public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
              io.grpc.ServerCall<Q, R> call,
              io.grpc.Metadata metadata,
              io.grpc.ServerCallHandler<Q, R> next) {
            headers.add(metadata);
            return next.startCall(call, metadata);
          }
        };
    server =
        InProcessServerBuilder.forName(name)
            .addService(io.grpc.ServerInterceptors.intercept(this, recordHeaders))
            .addService(io.grpc.ServerInterceptors.intercept(accounts, recordHeaders))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    return configure
        .apply(GatewayClient.builder(channel).retryPolicy(FAST).streamBackoff(FAST))
        .build();
  }

  GatewayClient start() throws IOException {
    return start(b -> b);
  }

  @Override
  public void close() {
    try {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (server != null) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static io.github.ibkrgateway.v1.Order order(String id) {
    return io.github.ibkrgateway.v1.Order.newBuilder().setOrderId(id).build();
  }

  static io.github.ibkrgateway.v1.Order order(String id, SubmitOrderRequest q) {
    return io.github.ibkrgateway.v1.Order.newBuilder().setOrderId(id).setSpec(q.getOrder()).build();
  }

  static StreamOrderEventsResponse event(long sequence) {
    return StreamOrderEventsResponse.newBuilder()
        .setEvent(
            io.github.ibkrgateway.v1.OrderEvent.newBuilder()
                .setSequence(sequence)
                .setOrderId("o-1")
                .setOrder(order("o-1")))
        .build();
  }

  static StreamOrderEventsResponse heartbeat(long lastSequence) {
    return StreamOrderEventsResponse.newBuilder()
        .setHeartbeat(Heartbeat.newBuilder().setLastSequence(lastSequence))
        .build();
  }

  /** A status as the gateway sends it: code, message, ErrorInfo and BadRequest details. */
  static StatusRuntimeException error(
      io.grpc.Status.Code code, String reason, String... violatedFields) {
    return StatusProto.toStatusRuntimeException(status(code, reason, violatedFields));
  }

  /** The status of {@link #error}, as data (one item of a SubmitOrders answer). */
  static com.google.rpc.Status status(
      io.grpc.Status.Code code, String reason, String... violatedFields) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage("refused: " + reason);
    if (!reason.isEmpty()) {
      status.addDetails(
          Any.pack(
              ErrorInfo.newBuilder()
                  .setReason(reason)
                  .setDomain(GatewayException.DOMAIN)
                  .putMetadata("order_id", "o-1")
                  .build()));
    }
    if (violatedFields.length > 0) {
      BadRequest.Builder bad = BadRequest.newBuilder();
      for (String field : violatedFields) {
        bad.addFieldViolations(
            BadRequest.FieldViolation.newBuilder().setField(field).setDescription("bad " + field));
      }
      status.addDetails(Any.pack(bad.build()));
    }
    return status.build();
  }

  static StatusRuntimeException unavailable() {
    return io.grpc.Status.UNAVAILABLE.withDescription("gateway restarting").asRuntimeException();
  }

  @Override
  public void submitOrder(SubmitOrderRequest q, StreamObserver<SubmitOrderResponse> out) {
    submits.add(q);
    unary(submit, submits.size() - 1, q, out);
  }

  @Override
  public void submitOrders(SubmitOrdersRequest q, StreamObserver<SubmitOrdersResponse> out) {
    batches.add(q);
    unary(submitMany, batches.size() - 1, q, out);
  }

  @Override
  public void getOrder(GetOrderRequest q, StreamObserver<GetOrderResponse> out) {
    gets.add(q);
    unary(get, gets.size() - 1, q, out);
  }

  @Override
  public void modifyOrder(ModifyOrderRequest q, StreamObserver<ModifyOrderResponse> out) {
    modifies.add(q);
    unary(modify, modifies.size() - 1, q, out);
  }

  @Override
  public void cancelOrder(CancelOrderRequest q, StreamObserver<CancelOrderResponse> out) {
    cancels.add(q);
    unary(cancel, cancels.size() - 1, q, out);
  }

  @Override
  public void listOrders(ListOrdersRequest q, StreamObserver<ListOrdersResponse> out) {
    lists.add(q);
    unary(list, lists.size() - 1, q, out);
  }

  @Override
  public void streamOrderEvents(
      StreamOrderEventsRequest q, StreamObserver<StreamOrderEventsResponse> out) {
    eventCalls.add(q);
    streaming(events, eventCalls.size() - 1, q, out);
  }

  @Override
  public void streamFills(StreamFillsRequest q, StreamObserver<StreamFillsResponse> out) {
    fillCalls.add(q);
    streaming(fills, fillCalls.size() - 1, q, out);
  }

  @Override
  public void previewOrder(PreviewOrderRequest q, StreamObserver<PreviewOrderResponse> out) {
    previews.add(q);
    unary(preview, previews.size() - 1, q, out);
  }

  @Override
  public void setKillSwitch(SetKillSwitchRequest q, StreamObserver<SetKillSwitchResponse> out) {
    killSwitchSets.add(q);
    unary(setKillSwitch, killSwitchSets.size() - 1, q, out);
  }

  @Override
  public void getKillSwitch(GetKillSwitchRequest q, StreamObserver<GetKillSwitchResponse> out) {
    killSwitchGets.add(q);
    unary(getKillSwitch, killSwitchGets.size() - 1, q, out);
  }

  @Override
  public void listAuditRecords(
      ListAuditRecordsRequest q, StreamObserver<ListAuditRecordsResponse> out) {
    auditPages.add(q);
    unary(listAuditRecords, auditPages.size() - 1, q, out);
  }

  private static <Q, R> void unary(Unary<Q, R> handler, int n, Q q, StreamObserver<R> out) {
    R response;
    try {
      response = handler.answer(n, q);
    } catch (Exception e) {
      out.onError(e);
      return;
    }
    if (response != null) {
      out.onNext(response);
      out.onCompleted();
    }
  }

  private static <Q, R> void streaming(
      Streaming<Q, R> handler, int n, Q q, StreamObserver<R> out) {
    try {
      handler.serve(n, q, out);
    } catch (Exception e) {
      out.onError(e);
    }
  }
}
