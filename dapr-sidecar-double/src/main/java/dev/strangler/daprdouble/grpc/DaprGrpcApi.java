package dev.strangler.daprdouble.grpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.strangler.daprdouble.config.AppPorts;
import dev.strangler.daprdouble.config.AppSpec;
import dev.strangler.daprdouble.config.ComponentSpec;
import dev.strangler.daprdouble.config.OutboxSettings;
import dev.strangler.daprdouble.gojson.GoJson;
import dev.strangler.daprdouble.gojson.GoJsonException;
import dev.strangler.daprdouble.pubsub.Broker;
import dev.strangler.daprdouble.pubsub.CloudEvents;
import dev.strangler.daprdouble.pubsub.Outbox;
import dev.strangler.daprdouble.pubsub.Subscription;
import dev.strangler.daprdouble.state.Concurrency;
import dev.strangler.daprdouble.state.StateException;
import dev.strangler.daprdouble.state.StateOperation;
import dev.strangler.daprdouble.state.StateStore;
import dev.strangler.daprdouble.state.StateStores;
import dev.strangler.daprdouble.state.StoredItem;
import io.dapr.v1.CommonProtos;
import io.dapr.v1.DaprGrpc;
import io.dapr.v1.DaprProtos;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Dapr runtime gRPC API of one sidecar (one app-id): the state and pub/sub calls the Java SDK makes.
 * Keys are stored as {@code appId||key}, so two apps sharing a store never see each other's keys.
 */
public final class DaprGrpcApi extends DaprGrpc.DaprImplBase {

    private final AppSpec app;
    private final AppPorts ports;
    private final StateStores stores;
    private final Broker broker;
    private final Outbox outbox;
    private final CloudEvents cloudEvents;
    private final List<ComponentSpec> components;
    private final Runnable onChange;

    public DaprGrpcApi(AppSpec app, AppPorts ports, StateStores stores, Broker broker, Outbox outbox, CloudEvents cloudEvents,
                       List<ComponentSpec> components, Runnable onChange) {
        this.app = app;
        this.ports = ports;
        this.stores = stores;
        this.broker = broker;
        this.outbox = outbox;
        this.cloudEvents = cloudEvents;
        this.components = components;
        this.onChange = onChange;
    }

    public static io.grpc.ServerInterceptor traceInterceptor() {
        return new TraceContext();
    }

    @Override
    public void getState(DaprProtos.GetStateRequest request, StreamObserver<DaprProtos.GetStateResponse> response) {
        call(response, () -> {
            StateStore store = store(request.getStoreName());
            try {
                Optional<StoredItem> item = store.get(storedKey(request.getKey()));
                DaprProtos.GetStateResponse.Builder answer = DaprProtos.GetStateResponse.newBuilder();
                item.ifPresent(i -> answer.setData(ByteString.copyFrom(i.data())).setEtag(i.etag()));
                return answer.build();
            } catch (StateException e) {
                throw ApiErrors.stateGet(request.getKey(), store.name(), e);
            }
        });
    }

    @Override
    public void getBulkState(DaprProtos.GetBulkStateRequest request, StreamObserver<DaprProtos.GetBulkStateResponse> response) {
        call(response, () -> {
            StateStore store = store(request.getStoreName());
            DaprProtos.GetBulkStateResponse.Builder answer = DaprProtos.GetBulkStateResponse.newBuilder();
            for (String key : request.getKeysList()) {
                DaprProtos.BulkStateItem.Builder item = DaprProtos.BulkStateItem.newBuilder().setKey(key);
                try {
                    store.get(storedKey(key)).ifPresent(i -> item.setData(ByteString.copyFrom(i.data())).setEtag(i.etag()));
                } catch (StateException e) {
                    item.setError(e.getMessage());
                }
                answer.addItems(item);
            }
            return answer.build();
        });
    }

    @Override
    public void saveState(DaprProtos.SaveStateRequest request, StreamObserver<Empty> response) {
        call(response, () -> {
            StateStore store = store(request.getStoreName());
            List<StateOperation> upserts = new ArrayList<>();
            for (CommonProtos.StateItem item : request.getStatesList()) {
                if (item.getKey().isEmpty()) {
                    throw ApiErrors.of(Status.Code.INVALID_ARGUMENT, "ERR_STATE_SAVE", "state key cannot be empty");
                }
                upserts.add(saved(item));
            }
            try {
                // daprd's BulkSet is not a transaction: each item stands alone.
                for (StateOperation upsert : upserts) {
                    store.apply(List.of(upsert));
                }
            } catch (StateException e) {
                throw ApiErrors.stateSave(store.name(), e);
            } finally {
                onChange.run();
            }
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void deleteState(DaprProtos.DeleteStateRequest request, StreamObserver<Empty> response) {
        call(response, () -> {
            StateStore store = store(request.getStoreName());
            StateOperation delete = new StateOperation.Delete(storedKey(request.getKey()),
                    request.hasEtag() ? request.getEtag().getValue() : null,
                    concurrency(request.getOptions()), request.getMetadataMap());
            try {
                store.apply(List.of(delete));
            } catch (StateException e) {
                throw ApiErrors.stateDelete(request.getKey(), e);
            }
            onChange.run();
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void executeStateTransaction(DaprProtos.ExecuteStateTransactionRequest request, StreamObserver<Empty> response) {
        call(response, () -> {
            StateStore store = store(request.getStoreName());
            List<StateOperation> operations = new ArrayList<>();
            for (DaprProtos.TransactionalStateOperation op : request.getOperationsList()) {
                switch (op.getOperationType()) {
                    case "upsert" -> operations.add(upsert(op.getRequest()));
                    case "delete" -> operations.add(new StateOperation.Delete(storedKey(op.getRequest().getKey()),
                            op.getRequest().hasEtag() ? op.getRequest().getEtag().getValue() : null,
                            concurrency(op.getRequest().getOptions()), op.getRequest().getMetadataMap()));
                    default -> throw ApiErrors.of(Status.Code.UNIMPLEMENTED, "ERR_NOT_SUPPORTED_STATE_OPERATION",
                            "operation type " + op.getOperationType() + " not supported");
                }
            }
            Optional<OutboxSettings> outboxSettings = store.outbox();
            List<StateOperation> stored = operations;
            if (outboxSettings.isPresent()) {
                OutboxSettings settings = outboxSettings.get();
                if (!broker.hasPubsub(settings.outboxPubsub(), app.appId())) {
                    throw ApiErrors.of(Status.Code.INTERNAL, "ERR_PUBLISH_OUTBOX",
                            "error while publishing outbox message: pubsub " + settings.outboxPubsub() + " not found");
                }
                // daprd publishes the internal messages first; the transaction then writes their markers or nothing.
                stored = outbox.publishInternal(store, settings, app.appId(), operations,
                        TraceContext.TRACE_PARENT.get(), TraceContext.TRACE_STATE.get());
            }
            try {
                store.apply(stored);
            } catch (StateException e) {
                throw ApiErrors.stateTransaction(e);
            } finally {
                onChange.run();
            }
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void publishEvent(DaprProtos.PublishEventRequest request, StreamObserver<Empty> response) {
        call(response, () -> {
            String pubsub = request.getPubsubName();
            if (pubsub.isEmpty()) {
                throw ApiErrors.of(Status.Code.INVALID_ARGUMENT, "ERR_PUBSUB_EMPTY", "pubsub name is empty");
            }
            if (!broker.hasPubsub(pubsub, app.appId())) {
                throw ApiErrors.pubsubNotFound(pubsub);
            }
            if (request.getTopic().isEmpty()) {
                throw ApiErrors.of(Status.Code.INVALID_ARGUMENT, "ERR_TOPIC_NAME_EMPTY", "topic is empty in pubsub " + pubsub);
            }
            ObjectNode ce = toCloudEvent(request);
            broker.publish(pubsub, request.getTopic(), ce);
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public void getMetadata(DaprProtos.GetMetadataRequest request, StreamObserver<DaprProtos.GetMetadataResponse> response) {
        call(response, () -> {
            DaprProtos.GetMetadataResponse.Builder answer = DaprProtos.GetMetadataResponse.newBuilder()
                    .setId(app.appId())
                    .setRuntimeVersion(RUNTIME_VERSION)
                    .setAppConnectionProperties(DaprProtos.AppConnectionProperties.newBuilder()
                            .setPort(ports.port(app.appId()).orElse(0)).setProtocol("http").setChannelAddress("127.0.0.1"));
            for (ComponentSpec component : components) {
                if (component.visibleTo(app.appId())) {
                    answer.addRegisteredComponents(DaprProtos.RegisteredComponents.newBuilder()
                            .setName(component.name()).setType(component.type()).setVersion(component.version())
                            .addAllCapabilities(capabilities(component)));
                }
            }
            for (Subscription s : broker.subscriptions(app.appId())) {
                answer.addSubscriptions(DaprProtos.PubsubSubscription.newBuilder()
                        .setPubsubName(s.pubsubName()).setTopic(s.topic()).setDeadLetterTopic(s.deadLetterTopic())
                        .setRules(DaprProtos.PubsubSubscriptionRules.newBuilder()
                                .addRules(DaprProtos.PubsubSubscriptionRule.newBuilder().setPath(s.route()))));
            }
            return answer.build();
        });
    }

    /** Reported as the runtime version so that nobody mistakes the double for daprd. */
    public static final String RUNTIME_VERSION = "1.16.0-sidecar-double";

    public static List<String> capabilities(ComponentSpec component) {
        if (component.isStateStore()) {
            // state.postgresql v2 Features().
            return List.of("ETAG", "TRANSACTIONAL", "TTL");
        }
        return List.of();
    }

    private ObjectNode toCloudEvent(DaprProtos.PublishEventRequest request) {
        String traceParent = TraceContext.TRACE_PARENT.get();
        if (CloudEvents.CONTENT_TYPE.equals(request.getDataContentType())) {
            try {
                return cloudEvents.fromAppCloudEvent(request.getData().toByteArray(), app.appId(), request.getTopic(),
                        request.getPubsubName(), traceParent);
            } catch (IllegalArgumentException e) {
                throw ApiErrors.of(Status.Code.INTERNAL, "ERR_PUBSUB_CLOUD_EVENTS_SER", e.getMessage());
            }
        }
        Map<String, String> md = request.getMetadataMap();
        return cloudEvents.envelope(new CloudEvents.Envelope(
                md.getOrDefault("cloudevent.id", ""), md.getOrDefault("cloudevent.source", app.appId()),
                md.getOrDefault("cloudevent.type", ""), request.getTopic(), request.getPubsubName(),
                request.getDataContentType(), request.getData().toByteArray(),
                traceParent, TraceContext.TRACE_STATE.get()));
    }

    private StateStore store(String name) {
        if (stores.all().isEmpty()) {
            throw ApiErrors.storesNotConfigured();
        }
        return stores.find(name, app.appId()).orElseThrow(() -> ApiErrors.storeNotFound(name));
    }

    /**
     * SaveState decodes a value whose metadata says {@code contentType: application/json} into a Go value
     * (pkg/api/grpc/grpc.go), and state.postgresql v2 then stores {@code json.Marshal} of it: re-encoded, numbers as
     * float64, keys sorted. Transactions pass the bytes through.
     */
    private StateOperation.Upsert saved(CommonProtos.StateItem item) {
        StateOperation.Upsert upsert = upsert(item);
        if (!"application/json".equals(item.getMetadataMap().get("contentType"))) {
            return upsert;
        }
        try {
            return new StateOperation.Upsert(upsert.key(), GoJson.reencode(upsert.value()), upsert.etag(),
                    upsert.concurrency(), upsert.metadata());
        } catch (GoJsonException e) {
            throw ApiErrors.of(Status.Code.UNKNOWN, "ERR_STATE_SAVE", e.getMessage());
        }
    }

    private StateOperation.Upsert upsert(CommonProtos.StateItem item) {
        return new StateOperation.Upsert(storedKey(item.getKey()), item.getValue().toByteArray(),
                item.hasEtag() ? item.getEtag().getValue() : null, concurrency(item.getOptions()), item.getMetadataMap());
    }

    private String storedKey(String key) {
        if (key.contains(StateStores.KEY_SEPARATOR)) {
            throw ApiErrors.of(Status.Code.UNKNOWN, "ERR_MALFORMED_REQUEST",
                    "input key/keyPrefix '" + key + "' can't contain '" + StateStores.KEY_SEPARATOR + "'");
        }
        return StateStores.storedKey(app.appId(), key);
    }

    private static Concurrency concurrency(CommonProtos.StateOptions options) {
        return options.getConcurrency() == CommonProtos.StateOptions.StateConcurrency.CONCURRENCY_FIRST_WRITE
                ? Concurrency.FIRST_WRITE : Concurrency.LAST_WRITE;
    }

    private interface Handler<T> {
        T handle();
    }

    private static <T> void call(StreamObserver<T> observer, Handler<T> handler) {
        T result;
        try {
            result = handler.handle();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        } catch (RuntimeException e) {
            observer.onError(ApiErrors.of(Status.Code.INTERNAL, "ERR_INTERNAL", e.toString()));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }
}
