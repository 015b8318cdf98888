package dev.strangler.legacy.error;

import dev.strangler.legacy.web.shutdown.ShutdownGate;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TomcatErrorReportConfiguration {

    /** Replaces Tomcat's HTML error report valve on the host with {@link ProblemJsonErrorReportValve}. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemJsonErrorReports(ShutdownGate shutdown) {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.setErrorReportValveClass(ProblemJsonErrorReportValve.class.getName());
                host.getPipeline().addValve(new ProblemJsonErrorReportValve(shutdown));
            }
        });
    }
}
