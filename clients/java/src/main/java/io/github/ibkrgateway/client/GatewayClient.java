package io.github.ibkrgateway.client;

import io.github.ibkrgateway.v1.AccountServiceGrpc;
import io.github.ibkrgateway.v1.AccountServiceGrpc.AccountServiceBlockingStub;
import io.github.ibkrgateway.v1.AccountServiceGrpc.AccountServiceStub;
import io.github.ibkrgateway.v1.CancelAllOrdersRequest;
import io.github.ibkrgateway.v1.CancelOrderRequest;
import io.github.ibkrgateway.v1.GetAccountSummaryRequest;
import io.github.ibkrgateway.v1.GetKillSwitchRequest;
import io.github.ibkrgateway.v1.GetOrderRequest;
import io.github.ibkrgateway.v1.ListAuditRecordsRequest;
import io.github.ibkrgateway.v1.ListAuditRecordsResponse;
import io.github.ibkrgateway.v1.ListFillsRequest;
import io.github.ibkrgateway.v1.ListFillsResponse;
import io.github.ibkrgateway.v1.ListOrdersRequest;
import io.github.ibkrgateway.v1.ListOrdersResponse;
import io.github.ibkrgateway.v1.ListPositionsRequest;
import io.github.ibkrgateway.v1.ModifyOrderRequest;
import io.github.ibkrgateway.v1.OrderGatewayServiceGrpc;
import io.github.ibkrgateway.v1.OrderGatewayServiceGrpc.OrderGatewayServiceBlockingStub;
import io.github.ibkrgateway.v1.OrderGatewayServiceGrpc.OrderGatewayServiceStub;
import io.github.ibkrgateway.v1.OrderSpec;
import io.github.ibkrgateway.v1.PreviewOrderRequest;
import io.github.ibkrgateway.v1.SetKillSwitchRequest;
import io.github.ibkrgateway.v1.SetKillSwitchResponse;
import io.github.ibkrgateway.v1.StreamFillsRequest;
import io.github.ibkrgateway.v1.StreamFillsResponse;
import io.github.ibkrgateway.v1.StreamOrderEventsRequest;
import io.github.ibkrgateway.v1.StreamOrderEventsResponse;
import io.github.ibkrgateway.v1.StreamPositionsRequest;
import io.github.ibkrgateway.v1.StreamPositionsResponse;
import io.github.ibkrgateway.v1.SubmitBracketOrderRequest;
import io.github.ibkrgateway.v1.SubmitBracketOrderResponse;
import io.github.ibkrgateway.v1.SubmitOrderRequest;
import io.github.ibkrgateway.v1.SubmitOrderResult;
import io.github.ibkrgateway.v1.SubmitOrdersRequest;
import io.github.ibkrgateway.v1.SubmitOrdersResponse;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.MetadataUtils;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Client of the order gateway ({@code ibkr.gateway.v1.OrderGatewayService}): submits,
 * modifies and cancels orders, lists orders and fills, and follows order events and fills on
 * streams that resume by sequence. Safe for concurrent use.
 *
 * <pre>{@code
 * try (GatewayClient gateway = GatewayClient.builder("127.0.0.1:50051").connect()) {
 *   Order order = gateway.submitOrder(NewOrder.buy("AAPL", new BigDecimal("10"))
 *       .limitPrice(new BigDecimal("187.25")).build());
 *   gateway.cancelOrder(order.orderId());
 * }
 * }</pre>
 *
 * <p>Nothing waits silently: {@link Builder#connect()} gives up after the connect timeout
 * ({@link #DEFAULT_CONNECT_TIMEOUT}), which also bounds every later connection attempt; each
 * attempt of a unary call has a deadline ({@link #DEFAULT_CALL_TIMEOUT}); streams throw the
 * last error after {@link #DEFAULT_MAX_RECONNECTS} reconnects in a row have failed, reporting
 * each one to {@link Builder#onRetry}. Submits and reads are retried on UNAVAILABLE (their
 * repetition cannot do anything twice); modify and cancel are not. Failed calls throw
 * {@link GatewayException} subclasses.
 */
public final class GatewayClient implements AutoCloseable {
  /** How long {@link Builder#connect()}, and each later connection attempt, may take. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The deadline of each attempt of a unary call: a gateway that accepts a call and never
   * answers must not hold the caller forever.
   */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Stream reconnects that may fail in a row before the stream gives up: with {@link
   * RetryPolicy#DEFAULT_STREAM_BACKOFF} that rides out a gateway restart of a few seconds and
   * reports a gateway that stays away within about ten.
   */
  public static final int DEFAULT_MAX_RECONNECTS = 5;

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Channel channel;
  private final ManagedChannel owned;
  private final ManagedChannel managed;
  private final OrderGatewayServiceBlockingStub blocking;
  private final OrderGatewayServiceStub async;
  private final AccountServiceBlockingStub accountsBlocking;
  private final AccountServiceStub accountsAsync;
  private final String account;
  private final Duration callTimeout;
  private final RetryPolicy retry;
  private final RetryPolicy streamBackoff;
  private final int maxReconnects;
  private final Consumer<StreamRetry> onRetry;

  private GatewayClient(
      Channel channel, ManagedChannel owned, ManagedChannel managed, Builder b) {
    this.channel = channel;
    this.owned = owned;
    this.managed = managed;
    this.blocking = OrderGatewayServiceGrpc.newBlockingStub(channel);
    this.async = OrderGatewayServiceGrpc.newStub(channel);
    this.accountsBlocking = AccountServiceGrpc.newBlockingStub(channel);
    this.accountsAsync = AccountServiceGrpc.newStub(channel);
    this.account = b.account;
    this.callTimeout = b.callTimeout;
    this.retry = b.retry;
    this.streamBackoff = b.streamBackoff;
    this.maxReconnects = b.maxReconnects;
    this.onRetry = b.onRetry;
  }

  private GatewayClient(GatewayClient base, Duration callTimeout) {
    this.channel = base.channel;
    this.owned = null;
    this.managed = base.managed;
    this.blocking = base.blocking;
    this.async = base.async;
    this.accountsBlocking = base.accountsBlocking;
    this.accountsAsync = base.accountsAsync;
    this.account = base.account;
    this.callTimeout = callTimeout;
    this.retry = base.retry;
    this.streamBackoff = base.streamBackoff;
    this.maxReconnects = base.maxReconnects;
    this.onRetry = base.onRetry;
  }

  /** A client that opens its own connection to {@code target} ("host:port"). */
  public static Builder builder(String target) {
    return new Builder(Objects.requireNonNull(target, "target"), null);
  }

  /**
   * A client over a channel the caller made and keeps owning: {@link #close()} leaves it
   * open, and the connect timeout is the channel's business.
   */
  public static Builder builder(Channel channel) {
    return new Builder(null, Objects.requireNonNull(channel, "channel"));
  }

  /**
   * A random UUID, which fits the gateway's client_order_id rules with room for the bracket
   * suffixes ".tp" and ".sl".
   */
  public static String newClientOrderId() {
    return UUID.randomUUID().toString();
  }

  /**
   * This client with another deadline for each unary attempt ({@code null} or zero: none),
   * sharing its connection; closing the copy leaves the connection open.
   */
  public GatewayClient withCallTimeout(Duration timeout) {
    return new GatewayClient(this, timeout);
  }

  /** The channel, e.g. for the simulator's SimulatorControlService in tests. */
  public Channel channel() {
    return channel;
  }

  /** Closes the connection {@link Builder#build()} opened; does nothing for a caller's channel. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
      try {
        owned.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // -- orders ---------------------------------------------------------------------------

  /**
   * Submits an order and returns it as the gateway recorded it. A missing client_order_id is
   * generated first, so that an UNAVAILABLE failure can be retried with the same id: a retry
   * of an order that did reach the gateway returns that order instead of placing a second.
   */
  public Order submitOrder(NewOrder order) {
    return submit(order.toSpec());
  }

  /** {@link #submitOrder(NewOrder)} for a spec in wire form. */
  public Order submit(OrderSpec spec) {
    SubmitOrderRequest request =
        SubmitOrderRequest.newBuilder().setOrder(withDefaults(spec)).build();
    return Order.fromProto(call(true, stub -> stub.submitOrder(request)).getOrder());
  }

  /**
   * Submits orders in one call (at most 1000); each is answered on its own, in the order
   * given. Every order without a client_order_id gets one before the first attempt, so that
   * retrying UNAVAILABLE, as {@link #submitOrder} does, cannot place any of them twice. A
   * failure of the whole call is thrown; the refusal of one order is its result's error.
   */
  public List<SubmitResult> submitOrders(List<NewOrder> orders) {
    return submitSpecs(orders.stream().map(NewOrder::toSpec).toList());
  }

  /** {@link #submitOrders(List)} for specs in wire form. */
  public List<SubmitResult> submitSpecs(List<OrderSpec> specs) {
    SubmitOrdersRequest.Builder request = SubmitOrdersRequest.newBuilder();
    for (OrderSpec spec : specs) {
      request.addOrders(withDefaults(spec));
    }
    SubmitOrdersRequest complete = request.build();
    SubmitOrdersResponse response = call(true, stub -> stub.submitOrders(complete));
    List<SubmitResult> results = new ArrayList<>(response.getResultsCount());
    for (SubmitOrderResult result : response.getResultsList()) {
      results.add(
          switch (result.getResultCase()) {
            case ORDER -> SubmitResult.of(Order.fromProto(result.getOrder()));
            case ERROR ->
                SubmitResult.of(
                    GatewayException.from(StatusProto.toStatusRuntimeException(result.getError())));
            case RESULT_NOT_SET ->
                SubmitResult.of(
                    GatewayException.of(
                        Status.Code.INTERNAL,
                        GatewayException.Details.of("a result with neither order nor error"),
                        null));
          });
    }
    return results;
  }

  /**
   * Submits an entry order (MARKET, or LIMIT with a limit price) with a take-profit LIMIT and
   * a stop-loss STOP child, which work once the entry has filled and cancel each other. The
   * entry's client_order_id (generated when missing) keys idempotency for all three, so the
   * call is retried like {@link #submitOrder}.
   */
  public Bracket submitBracket(
      NewOrder entry, BigDecimal takeProfitLimitPrice, BigDecimal stopLossStopPrice) {
    return submitBracket(
        SubmitBracketOrderRequest.newBuilder()
            .setParent(entry.toSpec())
            .setTakeProfitLimitPrice(Amounts.text(takeProfitLimitPrice))
            .setStopLossStopPrice(Amounts.text(stopLossStopPrice))
            .build());
  }

  /** {@link #submitBracket(NewOrder, BigDecimal, BigDecimal)} with every option of the wire form. */
  public Bracket submitBracket(SubmitBracketOrderRequest request) {
    SubmitBracketOrderRequest complete =
        request.toBuilder().setParent(withDefaults(request.getParent())).build();
    SubmitBracketOrderResponse response = call(true, stub -> stub.submitBracketOrder(complete));
    return new Bracket(
        Order.fromProto(response.getParent()),
        Order.fromProto(response.getTakeProfit()),
        Order.fromProto(response.getStopLoss()));
  }

  private OrderSpec withDefaults(OrderSpec spec) {
    if (!spec.getClientOrderId().isEmpty() && (!spec.getAccount().isEmpty() || account.isEmpty())) {
      return spec;
    }
    OrderSpec.Builder b = spec.toBuilder();
    if (b.getClientOrderId().isEmpty()) {
      b.setClientOrderId(newClientOrderId());
    }
    if (b.getAccount().isEmpty()) {
      b.setAccount(account);
    }
    return b.build();
  }

  /** The order with this gateway id. Retried on UNAVAILABLE. */
  public Order getOrder(String orderId) {
    return getOrder(OrderRef.id(orderId));
  }

  /** The order by gateway id or by (account, client_order_id). Retried on UNAVAILABLE. */
  public Order getOrder(OrderRef ref) {
    GetOrderRequest request =
        GetOrderRequest.newBuilder()
            .setOrderId(ref.orderId())
            .setClientOrderId(ref.clientOrderId())
            .setAccount(ref.clientOrderId().isEmpty() ? "" : ref.accountOr(account))
            .build();
    return Order.fromProto(call(true, stub -> stub.getOrder(request)).getOrder());
  }

  /** {@link #modifyOrder(OrderRef, OrderChange)} by gateway id. */
  public Order modifyOrder(String orderId, OrderChange change) {
    return modifyOrder(OrderRef.id(orderId), change);
  }

  /**
   * Changes the quantity, prices or time in force of a working order and returns it after
   * the change. Not retried: a repeat could undo a modification made in between.
   */
  public Order modifyOrder(OrderRef ref, OrderChange change) {
    ModifyOrderRequest.Builder b =
        ModifyOrderRequest.newBuilder()
            .setOrderId(ref.orderId())
            .setClientOrderId(ref.clientOrderId())
            .setAccount(ref.clientOrderId().isEmpty() ? "" : ref.accountOr(account));
    change.applyTo(b);
    ModifyOrderRequest request = b.build();
    return Order.fromProto(call(false, stub -> stub.modifyOrder(request)).getOrder());
  }

  /** {@link #cancelOrder(OrderRef)} by gateway id. */
  public Order cancelOrder(String orderId) {
    return cancelOrder(OrderRef.id(orderId));
  }

  /**
   * Requests cancellation and returns the order PENDING_CANCEL (or further along); CANCELLED
   * follows on the event stream. Not retried: if a lost reply hid a cancel that went through,
   * a repeat could fail for an order this call did cancel.
   */
  public Order cancelOrder(OrderRef ref) {
    CancelOrderRequest request =
        CancelOrderRequest.newBuilder()
            .setOrderId(ref.orderId())
            .setClientOrderId(ref.clientOrderId())
            .setAccount(ref.clientOrderId().isEmpty() ? "" : ref.accountOr(account))
            .build();
    return Order.fromProto(call(false, stub -> stub.cancelOrder(request)).getOrder());
  }

  /**
   * Cancels every working order of {@code account}, or of every account when it is empty,
   * and returns the orders a cancel was requested for. Not retried.
   */
  public List<Order> cancelAllOrders(String account) {
    CancelAllOrdersRequest request = CancelAllOrdersRequest.newBuilder().setAccount(account).build();
    return call(false, stub -> stub.cancelAllOrders(request)).getOrdersList().stream()
        .map(Order::fromProto)
        .toList();
  }

  /** Every order, oldest first; see {@link #listOrders(ListOrdersRequest)}. */
  public Stream<Order> listOrders() {
    return listOrders(ListOrdersRequest.getDefaultInstance());
  }

  /**
   * The orders matching {@code filter} (account, statuses, symbol), oldest first, fetched
   * page by page as the stream is consumed; each page is retried on UNAVAILABLE. The filter's
   * page size sets the page size, its page token where the listing starts.
   */
  public Stream<Order> listOrders(ListOrdersRequest filter) {
    return paginate(
        filter.getPageToken(),
        token -> {
          ListOrdersRequest request = filter.toBuilder().setPageToken(token).build();
          ListOrdersResponse page = call(true, stub -> stub.listOrders(request));
          return new Page<>(page.getOrdersList(), page.getNextPageToken());
        },
        Order::fromProto);
  }

  /** Every fill, oldest first; see {@link #listFills(ListFillsRequest)}. */
  public Stream<Fill> listFills() {
    return listFills(ListFillsRequest.getDefaultInstance());
  }

  /** The fills matching {@code filter} (account, order_id), oldest first, page by page. */
  public Stream<Fill> listFills(ListFillsRequest filter) {
    return paginate(
        filter.getPageToken(),
        token -> {
          ListFillsRequest request = filter.toBuilder().setPageToken(token).build();
          ListFillsResponse page = call(true, stub -> stub.listFills(request));
          return new Page<>(page.getFillsList(), page.getNextPageToken());
        },
        Fill::fromProto);
  }

  /**
   * What the order would do, without placing it: estimated price and commission, the
   * position (and, on the sim backend, the account) before and after, every limit it would
   * break. Nothing is stored, so it is retried on UNAVAILABLE. The client's default account
   * fills in an order that names none.
   */
  public OrderPreview previewOrder(NewOrder order) {
    return preview(order.toSpec());
  }

  /** {@link #previewOrder(NewOrder)} for a spec in wire form. */
  public OrderPreview preview(OrderSpec spec) {
    OrderSpec withAccount =
        spec.getAccount().isEmpty() ? spec.toBuilder().setAccount(account).build() : spec;
    PreviewOrderRequest request = PreviewOrderRequest.newBuilder().setOrder(withAccount).build();
    return OrderPreview.fromProto(call(true, stub -> stub.previewOrder(request)));
  }

  // -- positions and account ------------------------------------------------------------

  /** The open positions of the client's default account; see {@link #listPositions(ListPositionsRequest)}. */
  public PositionList listPositions() {
    return listPositions(ListPositionsRequest.getDefaultInstance());
  }

  /**
   * The positions matching {@code filter} (account, symbol, con_id, closed ones too), with
   * P&amp;L at the market price where the gateway knows one, as of the listing's sequence.
   * An empty account is the client's default account. Retried on UNAVAILABLE.
   */
  public PositionList listPositions(ListPositionsRequest filter) {
    ListPositionsRequest request =
        filter.getAccount().isEmpty() ? filter.toBuilder().setAccount(account).build() : filter;
    return PositionList.fromProto(
        callAccounts(stub -> stub.listPositions(request)));
  }

  /** Cash, margin, buying power and P&amp;L of the client's default account. */
  public AccountSummary getAccountSummary() {
    return getAccountSummary("");
  }

  /**
   * Cash, margin, buying power and P&amp;L of {@code account} (the client's default account
   * when empty); the simulated account on the sim backend. Retried on UNAVAILABLE.
   */
  public AccountSummary getAccountSummary(String account) {
    GetAccountSummaryRequest request =
        GetAccountSummaryRequest.newBuilder()
            .setAccount(account.isEmpty() ? this.account : account)
            .build();
    return AccountSummary.fromProto(
        callAccounts(stub -> stub.getAccountSummary(request)).getSummary());
  }

  // -- kill switch and audit (admin scope) ----------------------------------------------

  /** The kill switch as it is now. Retried on UNAVAILABLE. */
  public KillSwitch getKillSwitch() {
    return KillSwitch.fromProto(
        call(true, stub -> stub.getKillSwitch(GetKillSwitchRequest.getDefaultInstance()))
            .getKillSwitch());
  }

  /**
   * Engages (cancelling every working order, refusing new ones) or releases the kill switch,
   * gateway-wide when {@code accounts} is empty, else only for those. Not retried: a late
   * repeat could undo a change someone made in between.
   */
  public KillSwitchChange setKillSwitch(boolean engaged, String reason, List<String> accounts) {
    SetKillSwitchRequest request =
        SetKillSwitchRequest.newBuilder()
            .setEngaged(engaged)
            .setReason(reason)
            .addAllAccounts(accounts)
            .build();
    SetKillSwitchResponse response = call(false, stub -> stub.setKillSwitch(request));
    return new KillSwitchChange(
        KillSwitch.fromProto(response.getKillSwitch()),
        response.getCancelledOrdersList().stream().map(Order::fromProto).toList());
  }

  /** Every audit record the token may see, oldest first, fetched page by page. */
  public Stream<AuditRecord> listAuditRecords() {
    return listAuditRecords(0);
  }

  /** {@link #listAuditRecords()} with pages of {@code pageSize} (1..1000; 0: the gateway's). */
  public Stream<AuditRecord> listAuditRecords(int pageSize) {
    return paginate(
        "",
        token -> {
          ListAuditRecordsRequest request =
              ListAuditRecordsRequest.newBuilder().setPageSize(pageSize).setPageToken(token).build();
          ListAuditRecordsResponse page = call(true, stub -> stub.listAuditRecords(request));
          return new Page<>(page.getRecordsList(), page.getNextPageToken());
        },
        AuditRecord::fromProto);
  }

  // -- streams --------------------------------------------------------------------------

  /**
   * Position changes after {@code options.afterSequence()} (a listing's last sequence
   * continues exactly where it ends), replaying the journal and then following it live,
   * across reconnects like {@link #orderEvents}. {@code options.account()} and {@code
   * options.symbol()} filter them. Close the stream when done.
   */
  public PositionStream positions(StreamOptions options) {
    if (!options.orderId().isEmpty()) {
      throw new IllegalArgumentException("a position stream takes no orderId");
    }
    com.google.protobuf.Duration heartbeat = protoDuration(options.heartbeatInterval());
    return new PositionStream(
        after -> {
          ResumingStream.Session<StreamPositionsRequest, StreamPositionsResponse> session =
              new ResumingStream.Session<>(
                  r -> ResumingStream.Message.of(
                      r.hasEvent() ? r.getEvent() : null,
                      r.hasHeartbeat() ? r.getHeartbeat() : null));
          accountsAsync.streamPositions(
              StreamPositionsRequest.newBuilder()
                  .setAfterSequence(after)
                  .setAccount(options.account())
                  .setSymbol(options.symbol())
                  .setHeartbeatInterval(heartbeat)
                  .build(),
              session);
          return session;
        },
        options.afterSequence(),
        options.heartbeatInterval(),
        streamBackoff,
        maxReconnects,
        callbacks(options),
        this::resetConnectBackoff);
  }

  /**
   * Order events (status changes, fills, cancellations, modifications) after {@code
   * options.afterSequence()}, replaying the journal and then following it live, across
   * reconnects. Close the stream when done.
   */
  public EventStream orderEvents(StreamOptions options) {
    com.google.protobuf.Duration heartbeat = protoDuration(options.heartbeatInterval());
    return stream(
        options,
        after -> {
          EventStream.Session<StreamOrderEventsRequest, StreamOrderEventsResponse> session =
              new EventStream.Session<>(
                  r -> EventStream.Message.of(
                      r.hasEvent() ? r.getEvent() : null,
                      r.hasHeartbeat() ? r.getHeartbeat() : null));
          async.streamOrderEvents(
              StreamOrderEventsRequest.newBuilder()
                  .setAfterSequence(after)
                  .setAccount(options.account())
                  .setOrderId(options.orderId())
                  .setHeartbeatInterval(heartbeat)
                  .build(),
              session);
          return session;
        });
  }

  /**
   * Fill events only: like {@link #orderEvents}, each event's {@link OrderEvent#fill()} is
   * set. Sequences are those of the shared journal, so they have gaps; resuming is the same.
   */
  public EventStream fills(StreamOptions options) {
    com.google.protobuf.Duration heartbeat = protoDuration(options.heartbeatInterval());
    return stream(
        options,
        after -> {
          EventStream.Session<StreamFillsRequest, StreamFillsResponse> session =
              new EventStream.Session<>(
                  r -> EventStream.Message.of(
                      r.hasEvent() ? r.getEvent() : null,
                      r.hasHeartbeat() ? r.getHeartbeat() : null));
          async.streamFills(
              StreamFillsRequest.newBuilder()
                  .setAfterSequence(after)
                  .setAccount(options.account())
                  .setOrderId(options.orderId())
                  .setHeartbeatInterval(heartbeat)
                  .build(),
              session);
          return session;
        });
  }

  private EventStream stream(StreamOptions options, EventStream.Opener opener) {
    if (!options.symbol().isEmpty()) {
      throw new IllegalArgumentException("an order event stream takes no symbol");
    }
    return new EventStream(
        opener,
        options.afterSequence(),
        options.heartbeatInterval(),
        streamBackoff,
        maxReconnects,
        callbacks(options),
        this::resetConnectBackoff);
  }

  private List<Consumer<StreamRetry>> callbacks(StreamOptions options) {
    List<Consumer<StreamRetry>> callbacks = new ArrayList<>();
    if (onRetry != null) {
      callbacks.add(onRetry);
    }
    if (options.onRetry() != null) {
      callbacks.add(options.onRetry());
    }
    return callbacks;
  }

  private static com.google.protobuf.Duration protoDuration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  // -- plumbing -------------------------------------------------------------------------

  /**
   * One unary call, each attempt under the call timeout. Only UNAVAILABLE is retried, and
   * only for calls whose repetition cannot do anything twice; an expired deadline never is,
   * since retrying would multiply the wait the caller bounded.
   */
  private <T> T call(boolean idempotent, Function<OrderGatewayServiceBlockingStub, T> rpc) {
    for (int failures = 1; ; failures++) {
      OrderGatewayServiceBlockingStub stub = blocking;
      if (callTimeout != null && !callTimeout.isZero() && !callTimeout.isNegative()) {
        stub = stub.withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      try {
        return rpc.apply(stub);
      } catch (StatusRuntimeException e) {
        GatewayException error = GatewayException.from(e);
        if (!idempotent || error.code() != Status.Code.UNAVAILABLE || retry.exhausted(failures)) {
          throw error;
        }
      }
      try {
        Thread.sleep(retry.backoff(failures).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw GatewayException.of(
            Status.Code.CANCELLED, GatewayException.Details.of("interrupted"), e);
      }
      resetConnectBackoff();
    }
  }

  /** {@link #call} for AccountService, whose calls are all reads: always retried. */
  private <T> T callAccounts(Function<AccountServiceBlockingStub, T> rpc) {
    return call(
        true,
        stub -> {
          AccountServiceBlockingStub accounts = accountsBlocking;
          if (stub.getCallOptions().getDeadline() != null) {
            accounts = accounts.withDeadline(stub.getCallOptions().getDeadline());
          }
          return rpc.apply(accounts);
        });
  }

  /**
   * gRPC waits up to two minutes between connection attempts by default; a retry, or a
   * stream's reconnect, must find a gateway that came back at once.
   */
  private void resetConnectBackoff() {
    if (managed != null) {
      managed.resetConnectBackoff();
    }
  }

  private record Page<P>(List<P> items, String next) {}

  private static <P, T> Stream<T> paginate(
      String first, Function<String, Page<P>> fetch, Function<P, T> convert) {
    Iterator<T> items =
        new Iterator<>() {
          private Iterator<P> page = List.<P>of().iterator();
          private String token = first;
          private boolean last;

          @Override
          public boolean hasNext() {
            while (!page.hasNext() && !last) {
              Page<P> p = fetch.apply(token);
              page = p.items().iterator();
              token = p.next();
              last = token.isEmpty();
            }
            return page.hasNext();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return convert.apply(page.next());
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /** Settings of a client; {@link #build()} or {@link #connect()} makes it. */
  public static final class Builder {
    private final String target;
    private final Channel channel;
    private String account = "";
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private RetryPolicy streamBackoff = RetryPolicy.DEFAULT_STREAM_BACKOFF;
    private int maxReconnects = DEFAULT_MAX_RECONNECTS;
    private Consumer<StreamRetry> onRetry;
    private String token = "";
    private ChannelCredentials credentials;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();

    private Builder(String target, Channel channel) {
      this.target = target;
      this.channel = channel;
    }

    /** The account of orders and client_order_id lookups that name none; the gateway's when empty. */
    public Builder account(String account) {
      this.account = Objects.requireNonNull(account, "account");
      return this;
    }

    /**
     * How long {@link #connect()} waits for the gateway, and how long each later connection
     * attempt may take (10 s).
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The deadline of each attempt of a unary call (30 s); {@code null} or zero sets none. An
     * expired one is a {@link DeadlineExceededException}. {@link
     * GatewayClient#withCallTimeout} changes it for some calls.
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = timeout;
      return this;
    }

    /** How submits and reads are retried on UNAVAILABLE ({@link RetryPolicy#DEFAULT}). */
    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The pauses between stream reconnects ({@link RetryPolicy#DEFAULT_STREAM_BACKOFF}). */
    public Builder streamBackoff(RetryPolicy backoff) {
      this.streamBackoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * How many stream reconnects may fail in a row before iteration throws the last error
     * (5). A reconnect fails when its call ends before anything, event or heartbeat, arrives;
     * anything arriving starts the count again. 0 throws on the first failure; a negative
     * number reconnects without bound.
     */
    public Builder maxReconnects(int maxReconnects) {
      this.maxReconnects = maxReconnects;
      return this;
    }

    /**
     * Hears of every stream failure that a reconnect follows, before its pause, on the
     * iterating thread: a stream that is struggling shows up here before it gives up.
     */
    public Builder onRetry(Consumer<StreamRetry> onRetry) {
      this.onRetry = onRetry;
      return this;
    }

    /** Sent as {@code authorization: Bearer <token>} with every call. */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Transport security, e.g. {@code TlsChannelCredentials.newBuilder().trustManager(caFile)
     * .build()}; plaintext without it, which is what the gateway serves by default.
     */
    public Builder credentials(ChannelCredentials credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Interceptors for every call (logging, tracing, further headers). */
    public Builder intercept(ClientInterceptor... interceptors) {
      this.interceptors.addAll(List.of(interceptors));
      return this;
    }

    /**
     * The client, without waiting for the connection: the first call connects, and fails
     * with UNAVAILABLE after its retries when the gateway is not there.
     */
    public GatewayClient build() {
      ManagedChannel owned = null;
      Channel base = channel;
      if (base == null) {
        NettyChannelBuilder b =
            NettyChannelBuilder.forTarget(
                target, credentials != null ? credentials : InsecureChannelCredentials.create());
        if (!connectTimeout.isZero() && !connectTimeout.isNegative()) {
          // Without it a connection attempt to an address that drops packets waits out the
          // system's TCP timeout, minutes.
          b.withOption(
              ChannelOption.CONNECT_TIMEOUT_MILLIS,
              (int) Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE));
        }
        owned = b.build();
        base = owned;
      }
      ManagedChannel managed = base instanceof ManagedChannel m ? m : null;
      List<ClientInterceptor> all = new ArrayList<>(interceptors);
      if (!token.isEmpty()) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        all.add(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      Channel intercepted = ClientInterceptors.intercept(base, all);
      return new GatewayClient(intercepted, owned, managed, this);
    }

    /**
     * The client, once connected: waits at most the connect timeout for the gateway, trying
     * again while it refuses (a gateway still starting is waited for), then throws {@link
     * UnavailableException} naming the address.
     */
    public GatewayClient connect() {
      GatewayClient client = build();
      if (client.managed == null) {
        return client;
      }
      try {
        awaitReady(client.managed, target != null ? target : client.managed.authority(),
            connectTimeout);
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
      return client;
    }
  }

  private static void awaitReady(ManagedChannel channel, String target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ConnectivityState state = channel.getState(true);
    try {
      while (state != ConnectivityState.READY) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || state == ConnectivityState.SHUTDOWN) {
          throw GatewayException.of(
              Status.Code.UNAVAILABLE,
              GatewayException.Details.of(
                  String.format(
                      "no connection to %s within %s (connection %s)",
                      target, describe(timeout), state)),
              null);
        }
        CountDownLatch changed = new CountDownLatch(1);
        channel.notifyWhenStateChanged(state, changed::countDown);
        if (changed.await(left, TimeUnit.NANOSECONDS)) {
          state = channel.getState(true);
          if (state == ConnectivityState.TRANSIENT_FAILURE) {
            // A refusal: try again soon rather than after gRPC's growing backoff.
            sleepQuietly(Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()), 200));
            channel.resetConnectBackoff();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GatewayException.of(
          Status.Code.CANCELLED, GatewayException.Details.of("interrupted while connecting"), e);
    }
  }

  private static void sleepQuietly(long millis) throws InterruptedException {
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
