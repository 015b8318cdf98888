package dev.strangler.daprdouble.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.strangler.daprdouble.state.StateException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The gRPC errors daprd returns (pkg/messages, pkg/api/grpc): same codes and messages, with a
 * google.rpc.ErrorInfo detail carrying daprd's error code, which the Java SDK exposes on DaprException.
 */
final class ApiErrors {

    private ApiErrors() {
    }

    static StatusRuntimeException of(Status.Code code, String errorCode, String message) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(errorCode).setDomain("dapr.io").build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    static StatusRuntimeException storeNotFound(String store) {
        return of(Status.Code.INVALID_ARGUMENT, "ERR_STATE_STORE_NOT_FOUND", "state store " + store + " is not found");
    }

    static StatusRuntimeException storesNotConfigured() {
        return of(Status.Code.FAILED_PRECONDITION, "ERR_STATE_STORE_NOT_CONFIGURED", "state store is not configured");
    }

    static StatusRuntimeException stateGet(String key, String store, StateException e) {
        return of(Status.Code.INTERNAL, "ERR_STATE_GET", "fail to get " + key + " from state store " + store + ": " + e.getMessage());
    }

    static StatusRuntimeException stateSave(String store, StateException e) {
        return of(codeFor(e), "ERR_STATE_SAVE", "failed saving state in state store " + store + ": " + e.getMessage());
    }

    static StatusRuntimeException stateDelete(String key, StateException e) {
        return of(codeFor(e), "ERR_STATE_DELETE", "failed deleting state with key " + key + ": " + e.getMessage());
    }

    /** daprd wraps every failure of the store's Multi as Internal, ETag mismatches included. */
    static StatusRuntimeException stateTransaction(StateException e) {
        return of(Status.Code.INTERNAL, "ERR_STATE_TRANSACTION", "error while executing state transaction: " + e.getMessage());
    }

    static StatusRuntimeException pubsubNotFound(String pubsub) {
        return of(Status.Code.INVALID_ARGUMENT, "ERR_PUBSUB_NOT_FOUND", "pubsub " + pubsub + " not found");
    }

    /** daprd's getStateErrorCode: Aborted for an ETag mismatch (postgres v2 reports a malformed ETag as one), else Internal. */
    private static Status.Code codeFor(StateException e) {
        return switch (e.kind()) {
            case ETAG_MISMATCH -> Status.Code.ABORTED;
            case WRITE_CONFLICT, UNAVAILABLE -> Status.Code.INTERNAL;
        };
    }
}
