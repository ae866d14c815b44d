package io.github.ibkrgateway.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
 * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class SimulatorControlServiceGrpc {

  private SimulatorControlServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ibkr.gateway.v1.SimulatorControlService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetPriceRequest,
      io.github.ibkrgateway.v1.SetPriceResponse> getSetPriceMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SetPrice",
      requestType = io.github.ibkrgateway.v1.SetPriceRequest.class,
      responseType = io.github.ibkrgateway.v1.SetPriceResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetPriceRequest,
      io.github.ibkrgateway.v1.SetPriceResponse> getSetPriceMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetPriceRequest, io.github.ibkrgateway.v1.SetPriceResponse> getSetPriceMethod;
    if ((getSetPriceMethod = SimulatorControlServiceGrpc.getSetPriceMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getSetPriceMethod = SimulatorControlServiceGrpc.getSetPriceMethod) == null) {
          SimulatorControlServiceGrpc.getSetPriceMethod = getSetPriceMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.SetPriceRequest, io.github.ibkrgateway.v1.SetPriceResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SetPrice"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SetPriceRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SetPriceResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("SetPrice"))
              .build();
        }
      }
    }
    return getSetPriceMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.FillOrderRequest,
      io.github.ibkrgateway.v1.FillOrderResponse> getFillOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "FillOrder",
      requestType = io.github.ibkrgateway.v1.FillOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.FillOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.FillOrderRequest,
      io.github.ibkrgateway.v1.FillOrderResponse> getFillOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.FillOrderRequest, io.github.ibkrgateway.v1.FillOrderResponse> getFillOrderMethod;
    if ((getFillOrderMethod = SimulatorControlServiceGrpc.getFillOrderMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getFillOrderMethod = SimulatorControlServiceGrpc.getFillOrderMethod) == null) {
          SimulatorControlServiceGrpc.getFillOrderMethod = getFillOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.FillOrderRequest, io.github.ibkrgateway.v1.FillOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "FillOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.FillOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.FillOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("FillOrder"))
              .build();
        }
      }
    }
    return getFillOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.RejectNextOrderRequest,
      io.github.ibkrgateway.v1.RejectNextOrderResponse> getRejectNextOrderMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RejectNextOrder",
      requestType = io.github.ibkrgateway.v1.RejectNextOrderRequest.class,
      responseType = io.github.ibkrgateway.v1.RejectNextOrderResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.RejectNextOrderRequest,
      io.github.ibkrgateway.v1.RejectNextOrderResponse> getRejectNextOrderMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.RejectNextOrderRequest, io.github.ibkrgateway.v1.RejectNextOrderResponse> getRejectNextOrderMethod;
    if ((getRejectNextOrderMethod = SimulatorControlServiceGrpc.getRejectNextOrderMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getRejectNextOrderMethod = SimulatorControlServiceGrpc.getRejectNextOrderMethod) == null) {
          SimulatorControlServiceGrpc.getRejectNextOrderMethod = getRejectNextOrderMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.RejectNextOrderRequest, io.github.ibkrgateway.v1.RejectNextOrderResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RejectNextOrder"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.RejectNextOrderRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.RejectNextOrderResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("RejectNextOrder"))
              .build();
        }
      }
    }
    return getRejectNextOrderMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.EndTradingDayRequest,
      io.github.ibkrgateway.v1.EndTradingDayResponse> getEndTradingDayMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "EndTradingDay",
      requestType = io.github.ibkrgateway.v1.EndTradingDayRequest.class,
      responseType = io.github.ibkrgateway.v1.EndTradingDayResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.EndTradingDayRequest,
      io.github.ibkrgateway.v1.EndTradingDayResponse> getEndTradingDayMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.EndTradingDayRequest, io.github.ibkrgateway.v1.EndTradingDayResponse> getEndTradingDayMethod;
    if ((getEndTradingDayMethod = SimulatorControlServiceGrpc.getEndTradingDayMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getEndTradingDayMethod = SimulatorControlServiceGrpc.getEndTradingDayMethod) == null) {
          SimulatorControlServiceGrpc.getEndTradingDayMethod = getEndTradingDayMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.EndTradingDayRequest, io.github.ibkrgateway.v1.EndTradingDayResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "EndTradingDay"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.EndTradingDayRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.EndTradingDayResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("EndTradingDay"))
              .build();
        }
      }
    }
    return getEndTradingDayMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ResetSimulatorRequest,
      io.github.ibkrgateway.v1.ResetSimulatorResponse> getResetSimulatorMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ResetSimulator",
      requestType = io.github.ibkrgateway.v1.ResetSimulatorRequest.class,
      responseType = io.github.ibkrgateway.v1.ResetSimulatorResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ResetSimulatorRequest,
      io.github.ibkrgateway.v1.ResetSimulatorResponse> getResetSimulatorMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.ResetSimulatorRequest, io.github.ibkrgateway.v1.ResetSimulatorResponse> getResetSimulatorMethod;
    if ((getResetSimulatorMethod = SimulatorControlServiceGrpc.getResetSimulatorMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getResetSimulatorMethod = SimulatorControlServiceGrpc.getResetSimulatorMethod) == null) {
          SimulatorControlServiceGrpc.getResetSimulatorMethod = getResetSimulatorMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.ResetSimulatorRequest, io.github.ibkrgateway.v1.ResetSimulatorResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ResetSimulator"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ResetSimulatorRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.ResetSimulatorResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("ResetSimulator"))
              .build();
        }
      }
    }
    return getResetSimulatorMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetMarketRequest,
      io.github.ibkrgateway.v1.GetMarketResponse> getGetMarketMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetMarket",
      requestType = io.github.ibkrgateway.v1.GetMarketRequest.class,
      responseType = io.github.ibkrgateway.v1.GetMarketResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetMarketRequest,
      io.github.ibkrgateway.v1.GetMarketResponse> getGetMarketMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.GetMarketRequest, io.github.ibkrgateway.v1.GetMarketResponse> getGetMarketMethod;
    if ((getGetMarketMethod = SimulatorControlServiceGrpc.getGetMarketMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getGetMarketMethod = SimulatorControlServiceGrpc.getGetMarketMethod) == null) {
          SimulatorControlServiceGrpc.getGetMarketMethod = getGetMarketMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.GetMarketRequest, io.github.ibkrgateway.v1.GetMarketResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetMarket"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetMarketRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.GetMarketResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("GetMarket"))
              .build();
        }
      }
    }
    return getGetMarketMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetPositionRequest,
      io.github.ibkrgateway.v1.SetPositionResponse> getSetPositionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SetPosition",
      requestType = io.github.ibkrgateway.v1.SetPositionRequest.class,
      responseType = io.github.ibkrgateway.v1.SetPositionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetPositionRequest,
      io.github.ibkrgateway.v1.SetPositionResponse> getSetPositionMethod() {
    io.grpc.MethodDescriptor<io.github.ibkrgateway.v1.SetPositionRequest, io.github.ibkrgateway.v1.SetPositionResponse> getSetPositionMethod;
    if ((getSetPositionMethod = SimulatorControlServiceGrpc.getSetPositionMethod) == null) {
      synchronized (SimulatorControlServiceGrpc.class) {
        if ((getSetPositionMethod = SimulatorControlServiceGrpc.getSetPositionMethod) == null) {
          SimulatorControlServiceGrpc.getSetPositionMethod = getSetPositionMethod =
              io.grpc.MethodDescriptor.<io.github.ibkrgateway.v1.SetPositionRequest, io.github.ibkrgateway.v1.SetPositionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SetPosition"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SetPositionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ibkrgateway.v1.SetPositionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SimulatorControlServiceMethodDescriptorSupplier("SetPosition"))
              .build();
        }
      }
    }
    return getSetPositionMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static SimulatorControlServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceStub>() {
        @java.lang.Override
        public SimulatorControlServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SimulatorControlServiceStub(channel, callOptions);
        }
      };
    return SimulatorControlServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static SimulatorControlServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceBlockingV2Stub>() {
        @java.lang.Override
        public SimulatorControlServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SimulatorControlServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return SimulatorControlServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static SimulatorControlServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceBlockingStub>() {
        @java.lang.Override
        public SimulatorControlServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SimulatorControlServiceBlockingStub(channel, callOptions);
        }
      };
    return SimulatorControlServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static SimulatorControlServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SimulatorControlServiceFutureStub>() {
        @java.lang.Override
        public SimulatorControlServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SimulatorControlServiceFutureStub(channel, callOptions);
        }
      };
    return SimulatorControlServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
   * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Sets the reference price of a symbol and, optionally, the quantity available
     * at it. Resting orders that become marketable fill at once.
     * </pre>
     */
    default void setPrice(io.github.ibkrgateway.v1.SetPriceRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetPriceResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSetPriceMethod(), responseObserver);
    }

    /**
     * <pre>
     * Fills all or part of a working order, whatever the market price.
     * </pre>
     */
    default void fillOrder(io.github.ibkrgateway.v1.FillOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.FillOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getFillOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Makes the next order that reaches the exchange be rejected.
     * </pre>
     */
    default void rejectNextOrder(io.github.ibkrgateway.v1.RejectNextOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.RejectNextOrderResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRejectNextOrderMethod(), responseObserver);
    }

    /**
     * <pre>
     * Ends the trading day: the closing auction trades MARKET_ON_CLOSE orders, and
     * LIMIT_ON_CLOSE orders whose limit the reference price meets, at the reference price;
     * then DAY orders expire (CANCELLED), GTC orders keep working.
     * </pre>
     */
    default void endTradingDay(io.github.ibkrgateway.v1.EndTradingDayRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.EndTradingDayResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getEndTradingDayMethod(), responseObserver);
    }

    /**
     * <pre>
     * Cancels every working order at the exchange and forgets prices and pending rejections.
     * </pre>
     */
    default void resetSimulator(io.github.ibkrgateway.v1.ResetSimulatorRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ResetSimulatorResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getResetSimulatorMethod(), responseObserver);
    }

    /**
     * <pre>
     * Reads the current reference price and available quantity of a symbol.
     * </pre>
     */
    default void getMarket(io.github.ibkrgateway.v1.GetMarketRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetMarketResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetMarketMethod(), responseObserver);
    }

    /**
     * <pre>
     * Sets a position of a simulated account outright, e.g. to model holdings from before
     * the journal began. Journaled as an ADJUSTMENT position change with the reason;
     * cash does not move. Only on the sim backend.
     * </pre>
     */
    default void setPosition(io.github.ibkrgateway.v1.SetPositionRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetPositionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSetPositionMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service SimulatorControlService.
   * <pre>
   * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
   * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
   * </pre>
   */
  public static abstract class SimulatorControlServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return SimulatorControlServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service SimulatorControlService.
   * <pre>
   * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
   * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
   * </pre>
   */
  public static final class SimulatorControlServiceStub
      extends io.grpc.stub.AbstractAsyncStub<SimulatorControlServiceStub> {
    private SimulatorControlServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SimulatorControlServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SimulatorControlServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sets the reference price of a symbol and, optionally, the quantity available
     * at it. Resting orders that become marketable fill at once.
     * </pre>
     */
    public void setPrice(io.github.ibkrgateway.v1.SetPriceRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetPriceResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSetPriceMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Fills all or part of a working order, whatever the market price.
     * </pre>
     */
    public void fillOrder(io.github.ibkrgateway.v1.FillOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.FillOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getFillOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Makes the next order that reaches the exchange be rejected.
     * </pre>
     */
    public void rejectNextOrder(io.github.ibkrgateway.v1.RejectNextOrderRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.RejectNextOrderResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRejectNextOrderMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Ends the trading day: the closing auction trades MARKET_ON_CLOSE orders, and
     * LIMIT_ON_CLOSE orders whose limit the reference price meets, at the reference price;
     * then DAY orders expire (CANCELLED), GTC orders keep working.
     * </pre>
     */
    public void endTradingDay(io.github.ibkrgateway.v1.EndTradingDayRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.EndTradingDayResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getEndTradingDayMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Cancels every working order at the exchange and forgets prices and pending rejections.
     * </pre>
     */
    public void resetSimulator(io.github.ibkrgateway.v1.ResetSimulatorRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ResetSimulatorResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getResetSimulatorMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Reads the current reference price and available quantity of a symbol.
     * </pre>
     */
    public void getMarket(io.github.ibkrgateway.v1.GetMarketRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetMarketResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetMarketMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Sets a position of a simulated account outright, e.g. to model holdings from before
     * the journal began. Journaled as an ADJUSTMENT position change with the reason;
     * cash does not move. Only on the sim backend.
     * </pre>
     */
    public void setPosition(io.github.ibkrgateway.v1.SetPositionRequest request,
        io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetPositionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSetPositionMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service SimulatorControlService.
   * <pre>
   * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
   * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
   * </pre>
   */
  public static final class SimulatorControlServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<SimulatorControlServiceBlockingV2Stub> {
    private SimulatorControlServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SimulatorControlServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SimulatorControlServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Sets the reference price of a symbol and, optionally, the quantity available
     * at it. Resting orders that become marketable fill at once.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SetPriceResponse setPrice(io.github.ibkrgateway.v1.SetPriceRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSetPriceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Fills all or part of a working order, whatever the market price.
     * </pre>
     */
    public io.github.ibkrgateway.v1.FillOrderResponse fillOrder(io.github.ibkrgateway.v1.FillOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getFillOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Makes the next order that reaches the exchange be rejected.
     * </pre>
     */
    public io.github.ibkrgateway.v1.RejectNextOrderResponse rejectNextOrder(io.github.ibkrgateway.v1.RejectNextOrderRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRejectNextOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Ends the trading day: the closing auction trades MARKET_ON_CLOSE orders, and
     * LIMIT_ON_CLOSE orders whose limit the reference price meets, at the reference price;
     * then DAY orders expire (CANCELLED), GTC orders keep working.
     * </pre>
     */
    public io.github.ibkrgateway.v1.EndTradingDayResponse endTradingDay(io.github.ibkrgateway.v1.EndTradingDayRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getEndTradingDayMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels every working order at the exchange and forgets prices and pending rejections.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ResetSimulatorResponse resetSimulator(io.github.ibkrgateway.v1.ResetSimulatorRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getResetSimulatorMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Reads the current reference price and available quantity of a symbol.
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetMarketResponse getMarket(io.github.ibkrgateway.v1.GetMarketRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetMarketMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sets a position of a simulated account outright, e.g. to model holdings from before
     * the journal began. Journaled as an ADJUSTMENT position change with the reason;
     * cash does not move. Only on the sim backend.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SetPositionResponse setPosition(io.github.ibkrgateway.v1.SetPositionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSetPositionMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service SimulatorControlService.
   * <pre>
   * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
   * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
   * </pre>
   */
  public static final class SimulatorControlServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<SimulatorControlServiceBlockingStub> {
    private SimulatorControlServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SimulatorControlServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SimulatorControlServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sets the reference price of a symbol and, optionally, the quantity available
     * at it. Resting orders that become marketable fill at once.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SetPriceResponse setPrice(io.github.ibkrgateway.v1.SetPriceRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSetPriceMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Fills all or part of a working order, whatever the market price.
     * </pre>
     */
    public io.github.ibkrgateway.v1.FillOrderResponse fillOrder(io.github.ibkrgateway.v1.FillOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getFillOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Makes the next order that reaches the exchange be rejected.
     * </pre>
     */
    public io.github.ibkrgateway.v1.RejectNextOrderResponse rejectNextOrder(io.github.ibkrgateway.v1.RejectNextOrderRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRejectNextOrderMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Ends the trading day: the closing auction trades MARKET_ON_CLOSE orders, and
     * LIMIT_ON_CLOSE orders whose limit the reference price meets, at the reference price;
     * then DAY orders expire (CANCELLED), GTC orders keep working.
     * </pre>
     */
    public io.github.ibkrgateway.v1.EndTradingDayResponse endTradingDay(io.github.ibkrgateway.v1.EndTradingDayRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getEndTradingDayMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Cancels every working order at the exchange and forgets prices and pending rejections.
     * </pre>
     */
    public io.github.ibkrgateway.v1.ResetSimulatorResponse resetSimulator(io.github.ibkrgateway.v1.ResetSimulatorRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getResetSimulatorMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Reads the current reference price and available quantity of a symbol.
     * </pre>
     */
    public io.github.ibkrgateway.v1.GetMarketResponse getMarket(io.github.ibkrgateway.v1.GetMarketRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetMarketMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Sets a position of a simulated account outright, e.g. to model holdings from before
     * the journal began. Journaled as an ADJUSTMENT position change with the reason;
     * cash does not move. Only on the sim backend.
     * </pre>
     */
    public io.github.ibkrgateway.v1.SetPositionResponse setPosition(io.github.ibkrgateway.v1.SetPositionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSetPositionMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service SimulatorControlService.
   * <pre>
   * Controls the simulated exchange behind the gateway (backend "sim"), so that tests
   * decide prices and fills. Unavailable (FAILED_PRECONDITION) on other backends.
   * </pre>
   */
  public static final class SimulatorControlServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<SimulatorControlServiceFutureStub> {
    private SimulatorControlServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SimulatorControlServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SimulatorControlServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Sets the reference price of a symbol and, optionally, the quantity available
     * at it. Resting orders that become marketable fill at once.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.SetPriceResponse> setPrice(
        io.github.ibkrgateway.v1.SetPriceRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSetPriceMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Fills all or part of a working order, whatever the market price.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.FillOrderResponse> fillOrder(
        io.github.ibkrgateway.v1.FillOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getFillOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Makes the next order that reaches the exchange be rejected.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.RejectNextOrderResponse> rejectNextOrder(
        io.github.ibkrgateway.v1.RejectNextOrderRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRejectNextOrderMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Ends the trading day: the closing auction trades MARKET_ON_CLOSE orders, and
     * LIMIT_ON_CLOSE orders whose limit the reference price meets, at the reference price;
     * then DAY orders expire (CANCELLED), GTC orders keep working.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.EndTradingDayResponse> endTradingDay(
        io.github.ibkrgateway.v1.EndTradingDayRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getEndTradingDayMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Cancels every working order at the exchange and forgets prices and pending rejections.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.ResetSimulatorResponse> resetSimulator(
        io.github.ibkrgateway.v1.ResetSimulatorRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getResetSimulatorMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Reads the current reference price and available quantity of a symbol.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.GetMarketResponse> getMarket(
        io.github.ibkrgateway.v1.GetMarketRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetMarketMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Sets a position of a simulated account outright, e.g. to model holdings from before
     * the journal began. Journaled as an ADJUSTMENT position change with the reason;
     * cash does not move. Only on the sim backend.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ibkrgateway.v1.SetPositionResponse> setPosition(
        io.github.ibkrgateway.v1.SetPositionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSetPositionMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SET_PRICE = 0;
  private static final int METHODID_FILL_ORDER = 1;
  private static final int METHODID_REJECT_NEXT_ORDER = 2;
  private static final int METHODID_END_TRADING_DAY = 3;
  private static final int METHODID_RESET_SIMULATOR = 4;
  private static final int METHODID_GET_MARKET = 5;
  private static final int METHODID_SET_POSITION = 6;

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
        case METHODID_SET_PRICE:
          serviceImpl.setPrice((io.github.ibkrgateway.v1.SetPriceRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetPriceResponse>) responseObserver);
          break;
        case METHODID_FILL_ORDER:
          serviceImpl.fillOrder((io.github.ibkrgateway.v1.FillOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.FillOrderResponse>) responseObserver);
          break;
        case METHODID_REJECT_NEXT_ORDER:
          serviceImpl.rejectNextOrder((io.github.ibkrgateway.v1.RejectNextOrderRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.RejectNextOrderResponse>) responseObserver);
          break;
        case METHODID_END_TRADING_DAY:
          serviceImpl.endTradingDay((io.github.ibkrgateway.v1.EndTradingDayRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.EndTradingDayResponse>) responseObserver);
          break;
        case METHODID_RESET_SIMULATOR:
          serviceImpl.resetSimulator((io.github.ibkrgateway.v1.ResetSimulatorRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.ResetSimulatorResponse>) responseObserver);
          break;
        case METHODID_GET_MARKET:
          serviceImpl.getMarket((io.github.ibkrgateway.v1.GetMarketRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.GetMarketResponse>) responseObserver);
          break;
        case METHODID_SET_POSITION:
          serviceImpl.setPosition((io.github.ibkrgateway.v1.SetPositionRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ibkrgateway.v1.SetPositionResponse>) responseObserver);
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
          getSetPriceMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.SetPriceRequest,
              io.github.ibkrgateway.v1.SetPriceResponse>(
                service, METHODID_SET_PRICE)))
        .addMethod(
          getFillOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.FillOrderRequest,
              io.github.ibkrgateway.v1.FillOrderResponse>(
                service, METHODID_FILL_ORDER)))
        .addMethod(
          getRejectNextOrderMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.RejectNextOrderRequest,
              io.github.ibkrgateway.v1.RejectNextOrderResponse>(
                service, METHODID_REJECT_NEXT_ORDER)))
        .addMethod(
          getEndTradingDayMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.EndTradingDayRequest,
              io.github.ibkrgateway.v1.EndTradingDayResponse>(
                service, METHODID_END_TRADING_DAY)))
        .addMethod(
          getResetSimulatorMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.ResetSimulatorRequest,
              io.github.ibkrgateway.v1.ResetSimulatorResponse>(
                service, METHODID_RESET_SIMULATOR)))
        .addMethod(
          getGetMarketMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.GetMarketRequest,
              io.github.ibkrgateway.v1.GetMarketResponse>(
                service, METHODID_GET_MARKET)))
        .addMethod(
          getSetPositionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ibkrgateway.v1.SetPositionRequest,
              io.github.ibkrgateway.v1.SetPositionResponse>(
                service, METHODID_SET_POSITION)))
        .build();
  }

  private static abstract class SimulatorControlServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    SimulatorControlServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return io.github.ibkrgateway.v1.SimulatorProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("SimulatorControlService");
    }
  }

  private static final class SimulatorControlServiceFileDescriptorSupplier
      extends SimulatorControlServiceBaseDescriptorSupplier {
    SimulatorControlServiceFileDescriptorSupplier() {}
  }

  private static final class SimulatorControlServiceMethodDescriptorSupplier
      extends SimulatorControlServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    SimulatorControlServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (SimulatorControlServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new SimulatorControlServiceFileDescriptorSupplier())
              .addMethod(getSetPriceMethod())
              .addMethod(getFillOrderMethod())
              .addMethod(getRejectNextOrderMethod())
              .addMethod(getEndTradingDayMethod())
              .addMethod(getResetSimulatorMethod())
              .addMethod(getGetMarketMethod())
              .addMethod(getSetPositionMethod())
              .build();
        }
      }
    }
    return result;
  }
}
