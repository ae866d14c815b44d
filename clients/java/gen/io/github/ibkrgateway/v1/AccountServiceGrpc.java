package io.github.ibkrgateway.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Positions and account figures, computed from the journal's fills. Amounts are
 * decimal strings in the contract's currency; quantities are signed (negative: short).
 * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AccountServiceGrpc {

  private AccountServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ibkr.gateway.v1.AccountService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListPositionsRequest,
      io.github.ibkrgateway.v1.ListPositionsResponse> getListPositionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListPositions",
      requestType = io.github.ibkrgateway.v1.ListPositionsRequest.class,
      responseType = io.github.ibkrgateway.v1.ListPositionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListPositionsRequest,
      io.github.ibkrgateway.v1.ListPositionsResponse> getListPositionsMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ListPositionsRequest, io.github.ibkrgateway.v1.ListPositionsResponse> getListPositionsMethod;
    if ((getListPositionsMethod = AccountServiceGrpc.getListPositionsMethod) == null) {
      synchronized (AccountServiceGrpc.class) {
        if ((getListPositionsMethod = AccountServiceGrpc.getListPositionsMethod) == null) {
          AccountServiceGrpc.getListPositionsMethod = getListPositionsMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.ListPositionsRequest, io.github.ibkrgateway.v1.ListPositionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListPositions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListPositionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ListPositionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AccountServiceMethodDescriptorSupplier("ListPositions"))
              .build();
        }
      }
    }
    return getListPositionsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetAccountSummaryRequest,
      io.github.ibkrgateway.v1.GetAccountSummaryResponse> getGetAccountSummaryMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetAccountSummary",
      requestType = io.github.ibkrgateway.v1.GetAccountSummaryRequest.class,
      responseType = io.github.ibkrgateway.v1.GetAccountSummaryResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetAccountSummaryRequest,
      io.github.ibkrgateway.v1.GetAccountSummaryResponse> getGetAccountSummaryMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetAccountSummaryRequest, io.github.ibkrgateway.v1.GetAccountSummaryResponse> getGetAccountSummaryMethod;
    if ((getGetAccountSummaryMethod = AccountServiceGrpc.getGetAccountSummaryMethod) == null) {
      synchronized (AccountServiceGrpc.class) {
        if ((getGetAccountSummaryMethod = AccountServiceGrpc.getGetAccountSummaryMethod) == null) {
          AccountServiceGrpc.getGetAccountSummaryMethod = getGetAccountSummaryMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.GetAccountSummaryRequest, io.github.ibkrgateway.v1.GetAccountSummaryResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetAccountSummary"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetAccountSummaryRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetAccountSummaryResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AccountServiceMethodDescriptorSupplier("GetAccountSummary"))
              .build();
        }
      }
    }
    return getGetAccountSummaryMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamPositionsRequest,
      io.github.ibkrgateway.v1.StreamPositionsResponse> getStreamPositionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamPositions",
      requestType = io.github.ibkrgateway.v1.StreamPositionsRequest.class,
      responseType = io.github.ibkrgateway.v1.StreamPositionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamPositionsRequest,
      io.github.ibkrgateway.v1.StreamPositionsResponse> getStreamPositionsMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.StreamPositionsRequest, io.github.ibkrgateway.v1.StreamPositionsResponse> getStreamPositionsMethod;
    if ((getStreamPositionsMethod = AccountServiceGrpc.getStreamPositionsMethod) == null) {
      synchronized (AccountServiceGrpc.class) {
        if ((getStreamPositionsMethod = AccountServiceGrpc.getStreamPositionsMethod) == null) {
          AccountServiceGrpc.getStreamPositionsMethod = getStreamPositionsMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.StreamPositionsRequest, io.github.ibkrgateway.v1.StreamPositionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamPositions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.StreamPositionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.StreamPositionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AccountServiceMethodDescriptorSupplier("StreamPositions"))
              .build();
        }
      }
    }
    return getStreamPositionsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AccountServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AccountServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AccountServiceStub>() {
        @java.lang.Override
        public AccountServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AccountServiceStub(channel, callOptions);
        }
      };
    return AccountServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AccountServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AccountServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AccountServiceBlockingV2Stub>() {
        @java.lang.Override
        public AccountServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AccountServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AccountServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AccountServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AccountServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AccountServiceBlockingStub>() {
        @java.lang.Override
        public AccountServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AccountServiceBlockingStub(channel, callOptions);
        }
      };
    return AccountServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AccountServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AccountServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AccountServiceFutureStub>() {
        @java.lang.Override
        public AccountServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AccountServiceFutureStub(channel, callOptions);
        }
      };
    return AccountServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Positions and account figures, computed from the journal's fills. Amounts are
   * decimal strings in the contract's currency; quantities are signed (negative: short).
   * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * The positions of one account as of the journal sequence in the answer, with P&amp;L
     * at the current market price where one is known.
     * </pre>
     */
    default void listPositions(io.github.ibkrgateway.v1.ListPositionsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListPositionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListPositionsMethod(), responseObserver);
    }

    /**
     * <pre>
     * Cash, margin and P&amp;L of one account (on the sim backend, its simulated account).
     * </pre>
     */
    default void getAccountSummary(io.github.ibkrgateway.v1.GetAccountSummaryRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetAccountSummaryResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetAccountSummaryMethod(), responseObserver);
    }

    /**
     * <pre>
     * Replays journaled position changes after after_sequence, then follows new ones
     * live, with heartbeats while idle: the same journal, sequences and resume rules as
     * StreamOrderEvents. A consumer that falls further behind than the server's buffer
     * is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    default void streamPositions(io.github.ibkrgateway.v1.StreamPositionsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamPositionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamPositionsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AccountService.
   * <pre>
   * Positions and account figures, computed from the journal's fills. Amounts are
   * decimal strings in the contract's currency; quantities are signed (negative: short).
   * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
   * </pre>
   */
  public static abstract class AccountServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AccountServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AccountService.
   * <pre>
   * Positions and account figures, computed from the journal's fills. Amounts are
   * decimal strings in the contract's currency; quantities are signed (negative: short).
   * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
   * </pre>
   */
  public static final class AccountServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AccountServiceStub> {
    private AccountServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AccountServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AccountServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * The positions of one account as of the journal sequence in the answer, with P&amp;L
     * at the current market price where one is known.
     * </pre>
     */
    public void listPositions(io.github.ibkrgateway.v1.ListPositionsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListPositionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListPositionsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Cash, margin and P&amp;L of one account (on the sim backend, its simulated account).
     * </pre>
     */
    public void getAccountSummary(io.github.ibkrgateway.v1.GetAccountSummaryRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetAccountSummaryResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetAccountSummaryMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Replays journaled position changes after after_sequence, then follows new ones
     * live, with heartbeats while idle: the same journal, sequences and resume rules as
     * StreamOrderEvents. A consumer that falls further behind than the server's buffer
     * is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    public void streamPositions(io.github.ibkrgateway.v1.StreamPositionsRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamPositionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamPositionsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AccountService.
   * <pre>
   * Positions and account figures, computed from the journal's fills. Amounts are
   * decimal strings in the contract's currency; quantities are signed (negative: short).
   * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
   * </pre>
   */
  public static final class AccountServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AccountServiceBlockingV2Stub> {
    private AccountServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AccountServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AccountServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * The positions of one account as of the journal sequence in the answer, with P&amp;L
     * at the current market price where one is known.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListPositionsResponse listPositions(io.github.ibkrgateway.v1.ListPositionsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListPositionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cash, margin and P&amp;L of one account (on the sim backend, its simulated account).
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetAccountSummaryResponse getAccountSummary(io.github.ibkrgateway.v1.GetAccountSummaryRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetAccountSummaryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replays journaled position changes after after_sequence, then follows new ones
     * live, with heartbeats while idle: the same journal, sequences and resume rules as
     * StreamOrderEvents. A consumer that falls further behind than the server's buffer
     * is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, io.github.ibkrgateway.v1.StreamPositionsResponse>
        streamPositions(io.github.ibkrgateway.v1.StreamPositionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamPositionsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AccountService.
   * <pre>
   * Positions and account figures, computed from the journal's fills. Amounts are
   * decimal strings in the contract's currency; quantities are signed (negative: short).
   * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
   * </pre>
   */
  public static final class AccountServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AccountServiceBlockingStub> {
    private AccountServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AccountServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AccountServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * The positions of one account as of the journal sequence in the answer, with P&amp;L
     * at the current market price where one is known.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ListPositionsResponse listPositions(io.github.ibkrgateway.v1.ListPositionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListPositionsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cash, margin and P&amp;L of one account (on the sim backend, its simulated account).
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetAccountSummaryResponse getAccountSummary(io.github.ibkrgateway.v1.GetAccountSummaryRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetAccountSummaryMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Replays journaled position changes after after_sequence, then follows new ones
     * live, with heartbeats while idle: the same journal, sequences and resume rules as
     * StreamOrderEvents. A consumer that falls further behind than the server's buffer
     * is cut with RESOURCE_EXHAUSTED and may resume.
     * </pre>
     */
    public java.util.Iterator<io.github.ibkrgateway.v1.StreamPositionsResponse> streamPositions(
        io.github.ibkrgateway.v1.StreamPositionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamPositionsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AccountService.
   * <pre>
   * Positions and account figures, computed from the journal's fills. Amounts are
   * decimal strings in the contract's currency; quantities are signed (negative: short).
   * Errors follow OrderGatewayService: gRPC status codes with google.rpc details.
   * </pre>
   */
  public static final class AccountServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AccountServiceFutureStub> {
    private AccountServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AccountServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AccountServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * The positions of one account as of the journal sequence in the answer, with P&amp;L
     * at the current market price where one is known.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.ListPositionsResponse> listPositions(
        io.github.ibkrgateway.v1.ListPositionsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListPositionsMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Cash, margin and P&amp;L of one account (on the sim backend, its simulated account).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.GetAccountSummaryResponse> getAccountSummary(
        io.github.ibkrgateway.v1.GetAccountSummaryRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetAccountSummaryMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_LIST_POSITIONS = 0;
  private static final int METHODID_GET_ACCOUNT_SUMMARY = 1;
  private static final int METHODID_STREAM_POSITIONS = 2;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_LIST_POSITIONS:
          serviceImpl.listPositions((io.github.ibkrgateway.v1.ListPositionsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ListPositionsResponse>) responseObserver);
          break;
        case METHODID_GET_ACCOUNT_SUMMARY:
          serviceImpl.getAccountSummary((io.github.ibkrgateway.v1.GetAccountSummaryRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetAccountSummaryResponse>) responseObserver);
          break;
        case METHODID_STREAM_POSITIONS:
          serviceImpl.streamPositions((io.github.ibkrgateway.v1.StreamPositionsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.StreamPositionsResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getListPositionsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.ListPositionsRequest,
              io.github.ibkrgateway.v1.ListPositionsResponse>(
                service, METHODID_LIST_POSITIONS)))
        .addMethod(
          getGetAccountSummaryMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.GetAccountSummaryRequest,
              io.github.ibkrgateway.v1.GetAccountSummaryResponse>(
                service, METHODID_GET_ACCOUNT_SUMMARY)))
        .addMethod(
          getStreamPositionsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.StreamPositionsRequest,
              io.github.ibkrgateway.v1.StreamPositionsResponse>(
                service, METHODID_STREAM_POSITIONS)))
        .build();
  }

  private static abstract class AccountServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AccountServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return io.github.ibkrgateway.v1.AccountProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AccountService");
    }
  }

  private static final class AccountServiceFileDescriptorSupplier
      extends AccountServiceBaseDescriptorSupplier {
    AccountServiceFileDescriptorSupplier() {}
  }

  private static final class AccountServiceMethodDescriptorSupplier
      extends AccountServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AccountServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (AccountServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AccountServiceFileDescriptorSupplier())
              .addMethod(getListPositionsMethod())
              .addMethod(getGetAccountSummaryMethod())
              .addMethod(getStreamPositionsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
