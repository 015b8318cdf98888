package dev.strangler.system.deploy.edge;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.MStack;
import com.dylibso.chicory.runtime.StackFrame;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Chicory's interpreter with one host call corrected: proxy_get_current_time_nanoseconds writes a u64 in Envoy
 * (and in the ABI spec), but proxy-wasm-java-host 0.0.5 takes the time as a Java int and writes only 32 bits,
 * which cannot hold today's time. This machine writes all 64 bits of the test clock before the host's function
 * runs; the host then rewrites the low half with the same bits (its handler returns the clock's low 32 bits).
 */
final class EnvoyClockMachine extends InterpreterMachine {

    private static final String TIME = "proxy_get_current_time_nanoseconds";

    private final LongSupplier nanos;
    private final int timeFunction;

    EnvoyClockMachine(Instance instance, LongSupplier nanos) {
        super(instance);
        this.nanos = nanos;
        this.timeFunction = functionImportIndex(instance, "env", TIME);
    }

    @Override
    protected long[] call(MStack stack, Instance instance, Deque<StackFrame> callStack, int funcId, long[] args,
            FunctionType callType, boolean popResults) {
        if (funcId == timeFunction) {
            instance.memory().writeLong((int) args[0], nanos.getAsLong());
        }
        return super.call(stack, instance, callStack, funcId, args, callType, popResults);
    }

    /** The function index of an import (function imports come first in the index space), or -1. */
    private static int functionImportIndex(Instance instance, String module, String name) {
        List<Import> functions = instance.module().importSection().stream()
                .filter(i -> i.importType() == ExternalType.FUNCTION).toList();
        for (int i = 0; i < functions.size(); i++) {
            if (functions.get(i).module().equals(module) && functions.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
