package dev.strangler.daprdouble.config;

import dev.strangler.daprdouble.resiliency.Resiliency;

import java.util.List;

/** What the double read from its resources path: the components and the resiliency policies. */
public record Resources(List<ComponentSpec> components, Resiliency resiliency) {

    public Resources {
        components = List.copyOf(components);
    }
}
